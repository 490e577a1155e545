-- Where the request that wrote an event was in its trace (W3C traceparent), for the relay to continue that trace
-- into the Kafka record. Null: the event was not written under a trace (tracing off, or an import).
alter table outbox add column traceparent text;
