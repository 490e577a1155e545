-- This consumer's position per incident, written in the same transaction as the deliveries an event caused.
create table consumer_position (
    incident_id   text   primary key,
    last_sequence bigint not null
);

-- The delivery log: one row per (subscription, event), the decision to deliver, then its fate.
create table delivery (
    id               bigint generated always as identity primary key,
    subscription_key text        not null,
    target_url       text        not null,
    event_id         uuid        not null,
    incident_id      text        not null,
    seq              bigint      not null,
    event_type       text        not null,
    payload          text        not null,
    status           text        not null check (status in ('pending', 'retrying', 'delivered', 'dead')),
    attempts         int         not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_status_code int,
    last_error       text,
    created_at       timestamptz not null default now(),
    delivered_at     timestamptz,
    unique (subscription_key, event_id)
);
create index delivery_due on delivery (next_attempt_at) where status in ('pending', 'retrying');
create index delivery_queue on delivery (subscription_key, incident_id, id) where status in ('pending', 'retrying');

create table delivery_attempt (
    delivery_id  bigint      not null references delivery (id),
    attempt      int         not null,
    attempted_at timestamptz not null,
    status_code  int,
    error        text,
    duration_ms  bigint      not null,
    primary key (delivery_id, attempt)
);
