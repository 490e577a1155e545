package dev.incidents.notifier.subscription;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A subscription as the API shows it. {@code secret} is only present in the answer to its creation: it is
 * shown once and never listed again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Subscription(
        UUID id,
        String channel,
        String target,
        List<String> services,
        List<String> severities,
        List<String> eventTypes,
        String description,
        String status,
        String statusReason,
        Instant createdAt,
        String createdBy,
        String secret) {

    Subscription withSecret(String shownOnce) {
        return new Subscription(
                id,
                channel,
                target,
                services,
                severities,
                eventTypes,
                description,
                status,
                statusReason,
                createdAt,
                createdBy,
                shownOnce);
    }
}
