-- Every delivery is updated two or three times within seconds (leased, recorded, promoted): vacuum and analyze the
-- table after 1% of it changed rather than 20%, so that dead rows do not pile up in the claim's indexes.
alter table delivery set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);
