package dev.incidents.notifier.subscription;

import dev.incidents.domain.EventTypes;
import dev.incidents.domain.Severity;
import dev.incidents.notifier.webhook.TargetGuard;
import dev.incidents.support.problem.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/subscriptions}. Empty or absent filters match everything; several filters
 * must all match (an event of a SEV1 incident on "auth" matches services [auth, billing] and severities [SEV1]).
 */
public record SubscriptionRequest(
        String channel,
        String target,
        List<String> services,
        List<String> severities,
        List<String> eventTypes,
        String description) {

    static final Set<String> CHANNELS = Set.of("webhook", "slack", "email");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s<>\"]+@[^@\\s<>\"]+$");
    private static final int MAX_FILTER_ENTRIES = 100;

    List<String> servicesOrEmpty() {
        return services == null
                ? List.of()
                : services.stream().map(String::strip).distinct().toList();
    }

    List<String> severitiesOrEmpty() {
        return severities == null ? List.of() : severities.stream().distinct().toList();
    }

    List<String> eventTypesOrEmpty() {
        return eventTypes == null ? List.of() : eventTypes.stream().distinct().toList();
    }

    /** Every problem with the request, each naming its field; empty when it may be stored. */
    List<Problem.FieldError> problems(boolean allowPrivateTargets) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (channel == null || !CHANNELS.contains(channel)) {
            errors.add(new Problem.FieldError("channel", "must be one of webhook, slack, email"));
        }
        if (target == null || target.isBlank()) {
            errors.add(
                    new Problem.FieldError("target", "is required: a URL for webhook and slack, an address for email"));
        } else if (target.length() > 2000) {
            errors.add(new Problem.FieldError("target", "must be at most 2000 characters"));
        } else if ("email".equals(channel)) {
            if (target.length() > 254 || !EMAIL.matcher(target.strip()).matches()) {
                errors.add(new Problem.FieldError("target", "must be an e-mail address"));
            }
        } else if (channel != null && CHANNELS.contains(channel)) {
            // Checked now for a clear answer, and again before every send (DNS may change).
            String refusal = TargetGuard.refusal(target.strip(), allowPrivateTargets);
            if (refusal != null) {
                errors.add(new Problem.FieldError("target", refusal));
            }
        }
        checkList(
                errors,
                "services",
                services,
                s -> s.isBlank() || s.length() > 200 ? "must be non-blank names of at most 200 characters" : null);
        Set<String> severityNames =
                Set.copyOf(Arrays.stream(Severity.values()).map(Enum::name).toList());
        checkList(
                errors,
                "severities",
                severities,
                s -> severityNames.contains(s) ? null : "unknown severity " + s + "; one of SEV1, SEV2, SEV3, SEV4");
        checkList(
                errors,
                "eventTypes",
                eventTypes,
                t -> EventTypes.names().contains(t)
                        ? null
                        : "unknown event type " + t + "; one of " + EventTypes.names());
        if (description != null && description.length() > 500) {
            errors.add(new Problem.FieldError("description", "must be at most 500 characters"));
        }
        return errors;
    }

    private static void checkList(
            List<Problem.FieldError> errors,
            String field,
            List<String> values,
            java.util.function.Function<String, String> check) {
        if (values == null) {
            return;
        }
        if (values.size() > MAX_FILTER_ENTRIES) {
            errors.add(new Problem.FieldError(field, "at most " + MAX_FILTER_ENTRIES + " entries"));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String problem = v == null ? "must not be null" : check.apply(v);
            if (problem != null) {
                errors.add(new Problem.FieldError(field + "[" + i + "]", problem));
            }
        }
    }
}
