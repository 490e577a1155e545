-- One row per action item of every incident, for GET /api/v1/action-items: written by the projection in the
-- transaction that writes its incident's view, so it is never ahead of or behind the incident. The incident's title and
-- severity are copied onto each of its items, and rewritten when they change.
-- Items of incidents projected before this table existed appear with their incident's next event, or at once after a
-- rebuild (POST /api/v1/admin/rebuild).
create table action_item_view (
    incident_id       text        not null,
    action_item_id    text        not null,
    tenant            text        not null,
    incident_title    text        not null,
    incident_severity text        not null,
    kind              text        not null,
    description       text        not null,
    owner             text,
    due_date          date,
    status            text        not null,
    completed_at      timestamptz,
    primary key (incident_id, action_item_id)
);
-- The list walks items by due date (those without one last), then incident and item (keyset pagination), per tenant;
-- filtered by owner, it walks that owner's items alone.
create index action_item_view_due on action_item_view
    (tenant, coalesce(due_date, 'infinity'::date), incident_id, action_item_id);
create index action_item_view_owner on action_item_view
    (tenant, owner, coalesce(due_date, 'infinity'::date), incident_id, action_item_id);
