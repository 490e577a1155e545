-- Records of incident-events that this service could not decode or apply (ARCHITECTURE decision 11), kept as they
-- came with the reason, while the consumer moved on. One row per record: a redelivery does not park it twice.
-- The query service and the notifier have the same table and decide alike (EventRecords, ParkedRecords).
create table parked_record (
    id              bigint generated always as identity primary key,
    topic           text        not null,
    kafka_partition int         not null,
    kafka_offset    bigint      not null,
    record_key      text,
    -- Whose record it is, when its envelope (or a ce_tenant header that does not contradict it) says so; null: nobody can tell.
    tenant          text,
    reason          text        not null,
    detail          text        not null,
    -- The value as UTF-8 text, or in base64 when it is not text PostgreSQL can hold; null when the record had none.
    value           text,
    value_encoding  text check (value_encoding in ('utf-8', 'base64')),
    -- A JSON array of {key, value}, as the record carried them.
    headers         text        not null,
    parked_at       timestamptz not null default now(),
    unique (topic, kafka_partition, kafka_offset)
);
create index parked_record_tenant on parked_record (tenant, id desc);
