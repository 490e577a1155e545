-- What the relay's CloudEvents headers need, in columns: publishing decodes no JSON.
alter table outbox
    add column tenant         text,
    add column type           text,
    add column schema_version int,
    add column occurred_at    text,   -- ISO-8601 with the offset it was reported in (ce_time)
    add column recorded_at    text;
update outbox
   set tenant         = envelope::jsonb ->> 'tenant',
       type           = envelope::jsonb ->> 'type',
       schema_version = (envelope::jsonb ->> 'schemaVersion')::int,
       occurred_at    = envelope::jsonb ->> 'occurredAt',
       recorded_at    = envelope::jsonb ->> 'recordedAt';
alter table outbox
    alter column tenant set not null,
    alter column type set not null,
    alter column schema_version set not null,
    alter column occurred_at set not null,
    alter column recorded_at set not null;
