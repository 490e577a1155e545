-- The public status page reads a tenant's status updates only; most events are something else.
create index incident_event_status_updates on incident_event (tenant, incident_id) where type = 'StatusUpdatePosted';
