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
        OffsetDateTime endsAt) {}
