-- Which events came by import from another installation's log (not written here): an import may add only to
-- incidents it brought, and the store keeps saying where each event came from after the outbox row is gone.
alter table event_store add column imported boolean not null default false;
