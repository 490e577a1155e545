package dev.incidents.query.projection;

import dev.incidents.support.parking.ParkedRecords;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Feeds the {@code incident-events} topic to the {@link Projector}, a poll at a time: one transaction per poll.
 * The Kafka offsets are committed only after the projection's transaction, so a crash redelivers, and the
 * projector's position check absorbs it. Records come raw (the connector's CloudEvents parsing is off):
 * {@link ParkedRecords} decodes them as every consumer does and parks what cannot be decoded or applied, so no record
 * stops the projection.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    @Inject
    Projector projector;

    @Inject
    ParkedRecords parked;

    @Incoming("incident-events")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        parked.consumeBatch(records, projector::applyAll, projector::apply);
    }
}
