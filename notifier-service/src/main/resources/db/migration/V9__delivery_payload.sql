-- One copy of each notification body, shared by every delivery of it. An event to 1,000 webhook subscribers wrote
-- its body (about 900 bytes) 1,000 times, and every update of a delivery row (claimed, recorded) copied it again.
create table delivery_payload (
    id   bigint generated always as identity primary key,
    body text not null
);

alter table delivery add column payload_id bigint references delivery_payload (id);
insert into delivery_payload (body) select distinct payload from delivery;
update delivery d set payload_id = p.id from delivery_payload p where p.body = d.payload;
alter table delivery alter column payload_id set not null;
alter table delivery drop column payload;
