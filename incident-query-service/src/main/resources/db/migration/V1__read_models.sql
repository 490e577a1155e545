-- The query side's copy of every incident's stream: reports and "as of" answers are folds of it.
create table incident_event (
    incident_id text        not null,
    seq         bigint      not null,
    event_id    uuid        not null,
    type        text        not null,
    tenant      text        not null,
    occurred_at timestamptz not null,
    recorded_at timestamptz not null,
    envelope    jsonb       not null,
    primary key (incident_id, seq)
);

-- One row per incident for lists and filters. last_sequence is this projection's position in the
-- incident's stream, written in the same transaction as the row: a redelivered event is recognised by it.
create table incident_view (
    incident_id      text        primary key,
    tenant           text        not null,
    title            text        not null,
    status           text        not null,
    severity         text        not null,
    services         text[]      not null,
    detection_source text        not null,
    summary          text,
    started_at       timestamptz not null,
    detected_at      timestamptz not null,
    acknowledged_at  timestamptz,
    mitigated_at     timestamptz,
    resolved_at      timestamptz,
    closed_at        timestamptz,
    last_sequence    bigint      not null,
    updated_at       timestamptz not null
);
create index incident_view_list on incident_view (tenant, started_at desc, incident_id desc);

-- Events that arrived ahead of a missing predecessor wait here until the gap is filled.
create table pending_event (
    incident_id text        not null,
    seq         bigint      not null,
    envelope    jsonb       not null,
    received_at timestamptz not null default now(),
    primary key (incident_id, seq)
);
