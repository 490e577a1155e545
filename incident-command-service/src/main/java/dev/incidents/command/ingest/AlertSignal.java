package dev.incidents.command.ingest;

import dev.incidents.domain.AlertLink;
import dev.incidents.domain.Severity;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * One alert, whatever system sent it, in the form the ingest understands.
 *
 * @param source the integration ({@code alertmanager}, {@code grafana}, {@code pagerduty}, or a generic source)
 * @param routeKey what groups alerts into one incident (Alertmanager's groupKey, a dedup key)
 * @param alertKey the alert's own identity within that incident (fingerprint, dedup key)
 * @param startsAt when the monitoring system says the problem began; null if unknown
 * @param endsAt when it says the problem ended (resolved alerts); null if unknown
 */
public record AlertSignal(
        String source,
        String routeKey,
        String alertKey,
        boolean firing,
        String name,
        Severity severity,
        String service,
        String summary,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, String> details,
        List<AlertLink> links,
        OffsetDateTime startsAt,
        OffsetDateTime endsAt) {

    /**
     * An alert described by Prometheus-style labels and annotations (Alertmanager, Grafana): named by its
     * {@code alertname} label, summarised by its {@code summary} (else {@code description}) annotation.
     */
    static AlertSignal labelled(
            String source,
            String routeKey,
            String alertKey,
            boolean firing,
            String defaultName,
            Map<String, String> labels,
            Map<String, String> annotations,
            Severity severity,
            String service,
            Map<String, String> details,
            List<AlertLink> links,
            OffsetDateTime startsAt,
            OffsetDateTime endsAt) {
        Map<String, String> notes = annotations == null ? Map.of() : annotations;
        String name = labels.getOrDefault("alertname", defaultName);
        String summary = notes.getOrDefault("summary", notes.getOrDefault("description", name));
        return new AlertSignal(
                source, routeKey, alertKey, firing, name, severity, service, summary, labels, notes, details, links,
                startsAt, endsAt);
    }

    /** The alert's own identity: the fingerprint its sender gave, else a hash of its labels. */
    static String identity(String fingerprint, Map<String, String> labels) {
        return fingerprint != null && !fingerprint.isBlank() ? fingerprint : Fingerprints.of(labels);
    }
}
