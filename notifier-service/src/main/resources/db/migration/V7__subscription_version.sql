-- Every change to the subscription table, by any replica or by hand, moves this one number on. Each notifier replica
-- keeps the active subscriptions in memory and reads only this number per poll: a change is seen by every replica
-- at its next poll (see ActiveSubscriptions).
create table subscription_version (
    id      int    primary key check (id = 1),
    version bigint not null
);
insert into subscription_version values (1, 0);

create function subscription_changed() returns trigger language plpgsql as $$
begin
    update subscription_version set version = version + 1 where id = 1;
    return null;
end $$;

create trigger subscription_changed after insert or update or delete or truncate on subscription
    for each statement execute function subscription_changed();
