-- The claim reads due queue heads from delivery_due, oldest first (DeliverySender.CLAIM); it no longer visits each
-- subscription for its own due rows, so this index only cost every delivery write an entry.
drop index delivery_subscription_due;

-- A claim's lease lives in a column of its own, in no index: leasing a delivery then rewrites the row in place on its
-- page (a HOT update) instead of adding an entry to every index and leaving a dead one at the front of the due
-- index, which each later claim had to step over. Room on each page for that rewrite:
alter table delivery add column leased_until timestamptz;
alter table delivery set (fillfactor = 80);
