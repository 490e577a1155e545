-- The order in which this read model applied events: the ids of the live stream (SSE), so that a client that
-- reconnects with Last-Event-ID gets exactly what it missed.
alter table incident_event add column position bigint generated always as identity;
create unique index incident_event_position on incident_event (position);
create index incident_event_tenant_position on incident_event (tenant, position);
