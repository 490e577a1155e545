package dev.incidents.command;

import dev.incidents.domain.EventCodec;
import dev.incidents.testsupport.TopicProbe;
import java.time.Duration;
import java.util.List;

/** What the relay really published for an incident, read back from the topic. */
final class Published {

    private Published() {}

    /** The types of the incident's first {@code count} published events, in topic order. */
    static List<String> types(String incidentId, int count) {
        return TopicProbe.await("incident-events", r -> incidentId.equals(r.key()), count, Duration.ofSeconds(20))
                .stream()
                .map(r -> EventCodec.fromJson(r.value()).type())
                .toList();
    }
}
