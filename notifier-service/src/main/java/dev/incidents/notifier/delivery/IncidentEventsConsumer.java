package dev.incidents.notifier.delivery;

import dev.incidents.support.parking.ParkedRecords;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
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
        Set<UUID> imported = imported(records);
        // The sender is woken after each commit, so it sees the new deliveries.
        parked.consumeBatch(
                records,
                batch -> {
                    if (planner.planAll(batch, imported)) {
                        sender.wakeUp();
                    }
                },
                event -> {
                    if (planner.plan(event, imported.contains(event.eventId()))) {
                        sender.wakeUp();
                    }
                });
    }

    /**
     * The events of the poll that the command service imported from another installation's log ({@code ce_imported}
     * header): history its subscribers were told of there.
     */
    static Set<UUID> imported(ConsumerRecords<String, byte[]> records) {
        Set<UUID> imported = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Header mark = r.headers().lastHeader("ce_imported");
            Header id = r.headers().lastHeader("ce_id");
            if (mark != null && id != null && "true".equals(new String(mark.value(), StandardCharsets.UTF_8))) {
                try {
                    imported.add(UUID.fromString(new String(id.value(), StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    // not an id: the record is parked when it is decoded
                }
            }
        }
        return imported;
    }
}
