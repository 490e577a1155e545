package dev.incidents.notifier.delivery;

import dev.incidents.support.parking.ParkedRecords;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Feeds {@code incident-events} to the {@link DeliveryPlanner}, a poll at a time (one transaction per poll); offsets
 * are committed after its transaction. The record
 * comes raw (the connector's CloudEvents parsing is off): {@link ParkedRecords} decodes it as every consumer does and
 * parks what cannot be decoded or applied, so no record stops the notifications.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    @Inject
    DeliveryPlanner planner;

    @Inject
    DeliverySender sender;

    @Inject
    ParkedRecords parked;

    @Incoming("incident-events")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        // The sender is woken after each commit, so it sees the new deliveries.
        parked.consumeBatch(
                records,
                batch -> {
                    if (planner.planAll(batch)) {
                        sender.wakeUp();
                    }
                },
                event -> {
                    if (planner.plan(event)) {
                        sender.wakeUp();
                    }
                });
    }
}
