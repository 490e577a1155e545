-- Who is told what: one row per subscription, per tenant. Deleted subscriptions stay (status 'deleted') so the
-- delivery log keeps pointing at something; a 410 Gone from the target disables one.
create table subscription (
    id            uuid        primary key,
    tenant        text        not null,
    channel       text        not null check (channel in ('webhook', 'slack', 'email')),
    target        text        not null,
    -- The Standard Webhooks signing secret of a webhook subscription. Kept readable because signing needs it.
    secret        text,
    services      text[]      not null default '{}',
    severities    text[]      not null default '{}',
    event_types   text[]      not null default '{}',
    description   text,
    status        text        not null default 'active' check (status in ('active', 'disabled', 'deleted')),
    status_reason text,
    created_at    timestamptz not null default now(),
    created_by    text        not null
);
create index subscription_active on subscription (tenant) where status = 'active';

-- What the notifier knows of each incident, kept with its position, so filters on services and severity
-- and readable messages work for events that do not carry them (an acknowledgement names no service).
alter table consumer_position
    add column tenant   text,
    add column title    text,
    add column severity text,
    add column services text[] not null default '{}',
    add column status   text;

alter table delivery
    add column tenant          text,
    add column subscription_id uuid references subscription (id),
    add column channel         text not null default 'webhook' check (channel in ('webhook', 'slack', 'email')),
    -- Attempts made before the last redeliver: the retry budget counts from there.
    add column attempt_base    int  not null default 0;
alter table delivery drop constraint delivery_status_check;
alter table delivery add constraint delivery_status_check
    check (status in ('pending', 'retrying', 'delivered', 'dead', 'cancelled'));
create index delivery_log on delivery (tenant, id desc);
create index delivery_of_subscription on delivery (subscription_id, id desc);
