-- Where the event that caused a delivery sat in its request's trace (W3C traceparent of the notifier's span of the
-- record), so each attempt is traced as part of it and the webhook carries it on. Null: untraced.
alter table delivery add column traceparent text;
