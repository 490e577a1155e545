-- The id of the action item an add created: part of its answer, so a retry with the same Idempotency-Key gets it too.
-- A column of its own (not a third word in response_body), so that a replica of the previous release still reads
-- every row during a rolling deploy.
alter table idempotency_key add column action_item_id text;
