-- Events that arrived ahead of a gap in their incident's sequence wait here until the gap closes
-- (the gap policy the projection follows too; see PendingEvents).
create table pending_event (
    incident_id text        not null,
    seq         bigint      not null,
    envelope    jsonb       not null,
    received_at timestamptz not null default now(),
    primary key (incident_id, seq)
);
