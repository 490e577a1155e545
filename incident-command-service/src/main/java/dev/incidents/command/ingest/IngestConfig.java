package dev.incidents.command.ingest;

import dev.incidents.domain.Severity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/** Settings of the monitoring integrations, prefix {@code incidents.ingest}. */
@ConfigMapping(prefix = "incidents.ingest")
public interface IngestConfig {

    /** Most alerts accepted in one request; a larger batch is refused whole (400). */
    @WithDefault("256")
    int maxAlertsPerRequest();

    /**
     * Monitoring severities (the {@code severity} label, PagerDuty's payload.severity), lower case, to ours.
     * Anything not listed becomes {@link #defaultSeverity()}. Defaults in application.properties.
     */
    Map<String, Severity> severityMap();

    @WithDefault("SEV3")
    Severity defaultSeverity();

    Alertmanager alertmanager();

    RateLimit rateLimit();

    /**
     * Token buckets of {@link IngestRateLimits}, kept by each replica. The defaults stop a runaway sender, not a
     * storm: they sit above what one replica commits (see deploy/CAPACITY.md), so they never throttle honest load.
     */
    interface RateLimit {
        /** Sustained requests per second one API key may send (per replica). */
        @WithDefault("1000")
        double perKey();

        /** Sustained requests per second one tenant's keys may send together (per replica). */
        @WithDefault("3000")
        double perTenant();

        /** How many seconds' worth of requests may arrive at once (the bucket's depth). */
        @WithDefault("2")
        double burstSeconds();
    }

    Grafana grafana();

    PagerDuty pagerduty();

    interface Alertmanager {
        /** The alert label that names the incident's service. */
        @WithDefault("service")
        String serviceLabel();

        /** Whether an incident an alert opened resolves itself once every one of its alerts resolved. */
        @WithDefault("true")
        boolean autoResolve();
    }

    interface Grafana {
        /** The alert label that names the incident's service. */
        @WithDefault("service")
        String serviceLabel();

        @WithDefault("true")
        boolean autoResolve();

        /** The contact point's HMAC secret; when set, unsigned or wrongly signed requests are refused (401). */
        Optional<String> hmacSecret();

        @WithDefault("X-Grafana-Alerting-Signature")
        String signatureHeader();

        /** The contact point's timestamp header, when one is configured there. */
        Optional<String> timestampHeader();

        /**
         * How far a signed timestamp may be from now, either way: a signed request captured and sent again later is
         * refused once this has passed (a retry within it changes nothing: alerts are deduplicated).
         */
        @WithDefault("5M")
        java.time.Duration maxSignatureAge();
    }

    Generic generic();

    /** The generic event and its CloudEvents form ({@code POST /api/v1/events}). */
    interface Generic {
        /** Whether an incident these events opened resolves itself once every one of its alerts resolved. */
        @WithDefault("true")
        boolean autoResolve();
    }

    interface PagerDuty {
        /** A resolve event resolves the incident once every alert of it is resolved, as PagerDuty does. */
        @WithDefault("true")
        boolean autoResolve();
    }

    default Severity severityOf(String monitoringSeverity) {
        if (monitoringSeverity == null) {
            return defaultSeverity();
        }
        String key = monitoringSeverity.trim().toLowerCase(java.util.Locale.ROOT);
        if (key.length() == 4 && key.startsWith("sev") && key.charAt(3) >= '1' && key.charAt(3) <= '4') {
            return Severity.valueOf(key.toUpperCase(java.util.Locale.ROOT));
        }
        return severityMap().getOrDefault(key, defaultSeverity());
    }
}
