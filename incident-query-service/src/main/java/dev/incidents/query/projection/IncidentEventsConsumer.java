package dev.incidents.query.projection;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the {@code incident-events} topic to the {@link Projector}. The Kafka offset is committed only after
 * the projection's transaction, so a crash redelivers, and the projector's position check absorbs it.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    private static final Logger LOG = Logger.getLogger(IncidentEventsConsumer.class);

    @Inject
    Projector projector;

    @Incoming("incident-events")
    @Blocking
    public void consume(String payload) {
        EventEnvelope event;
        try {
            event = EventCodec.fromJson(payload);
        } catch (RuntimeException e) {
            // A record no reader can parse would block its partition forever; it is logged and passed over.
            LOG.errorf("skipping unreadable record on incident-events: %s", e.toString());
            return;
        }
        projector.apply(event);
    }
}
