-- The event store: the source of truth. One row per event; an incident's stream is its rows by seq.
create table event_store (
    global_position bigint generated always as identity primary key,
    event_id        uuid        not null unique,
    incident_id     text        not null,
    seq             bigint      not null,
    type            text        not null,
    schema_version  int         not null,
    occurred_at     timestamptz not null,
    recorded_at     timestamptz not null,
    actor           text,
    tenant          text        not null,
    -- The whole envelope as published: keeps the offset occurred_at was reported in.
    envelope        jsonb       not null,
    -- Optimistic concurrency: a second writer of the same position loses (409), the stream stays whole.
    constraint event_store_stream unique (incident_id, seq)
);
create index event_store_tenant_recorded on event_store (tenant, recorded_at);

-- Transactional outbox: written in the same transaction as the events, drained by the relay.
-- Rows are deleted once Kafka acknowledged them; the relay takes whatever rows exist, never "id > last seen".
create table outbox (
    id          bigint generated always as identity primary key,
    event_id    uuid        not null,
    incident_id text        not null,
    seq         bigint      not null,
    envelope    text        not null,
    created_at  timestamptz not null default now()
);

-- Which incident an alert key (fingerprint, dedup key, group key) currently feeds, per tenant and source.
create table alert_route (
    tenant      text        not null,
    source      text        not null,
    route_key   text        not null,
    incident_id text        not null,
    updated_at  timestamptz not null default now(),
    primary key (tenant, source, route_key)
);

-- Idempotency-Key: the first answer to a key is kept and returned to every retry.
create table idempotency_key (
    tenant          text        not null,
    idem_key        text        not null,
    request_hash    text        not null,
    response_status int         not null,
    response_body   text        not null,
    created_at      timestamptz not null default now(),
    primary key (tenant, idem_key)
);
