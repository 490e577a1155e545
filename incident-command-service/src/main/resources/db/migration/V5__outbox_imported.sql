-- Events imported from another installation's log: the relay marks them, and the notifier does not announce
-- them a second time.
alter table outbox add column imported boolean not null default false;
