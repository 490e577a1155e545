-- The list filters by tenant and status or severity and walks started_at downwards (keyset pagination).
create index incident_view_status on incident_view (tenant, status, started_at desc, incident_id desc);
create index incident_view_severity on incident_view (tenant, severity, started_at desc, incident_id desc);
create index incident_view_services on incident_view using gin (services);
