package dev.incidents.notifier.delivery;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Feeds {@code incident-events} to the {@link DeliveryPlanner}; offsets are committed after its transaction. */
@ApplicationScoped
public class IncidentEventsConsumer {

    private static final Logger LOG = Logger.getLogger(IncidentEventsConsumer.class);

    @Inject
    DeliveryPlanner planner;

    @Inject
    DeliverySender sender;

    @Incoming("incident-events")
    @Blocking
    public void consume(String payload) {
        EventEnvelope event;
        try {
            event = EventCodec.fromJson(payload);
        } catch (RuntimeException e) {
            LOG.errorf("skipping unreadable record on incident-events: %s", e.toString());
            return;
        }
        if (planner.plan(event)) {
            sender.wakeUp(); // after the commit, so the sender sees the new deliveries
        }
    }
}
