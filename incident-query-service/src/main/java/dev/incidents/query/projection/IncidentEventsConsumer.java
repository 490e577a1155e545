package dev.incidents.query.projection;

import dev.incidents.support.parking.ParkedRecords;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Feeds the {@code incident-events} topic to the {@link Projector}. The Kafka offset is committed only after
 * the projection's transaction, so a crash redelivers, and the projector's position check absorbs it. The record
 * comes raw (the connector's CloudEvents parsing is off): {@link ParkedRecords} decodes it as every consumer does and
 * parks what cannot be decoded or applied, so no record stops the projection.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    @Inject
    Projector projector;

    @Inject
    ParkedRecords parked;

    @Incoming("incident-events")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        parked.consume(record, projector::apply);
    }
}
