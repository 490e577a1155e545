package dev.incidents.command.ingest;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Token buckets per integration API key and per tenant, so that one runaway sender (or a leaked key) cannot take
 * the write path from everyone else. A request over either limit is a 429 with {@code Retry-After}, which
 * Alertmanager, Grafana and PagerDuty clients honour by retrying later. The buckets live in each replica: the
 * deployment-wide limit is the configured rate times the number of command-service replicas.
 */
@ApplicationScoped
public class IngestRateLimits {

    @Inject
    IngestConfig config;

    private final Counter keyRefusals;
    private final Counter tenantRefusals;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    IngestRateLimits(MeterRegistry registry) {
        keyRefusals = refusals(registry, "key");
        tenantRefusals = refusals(registry, "tenant");
    }

    private static Counter refusals(MeterRegistry registry, String scope) {
        return Counter.builder("incidents_ingest_rate_limited")
                .description("Integration requests refused with 429")
                .tag("scope", scope)
                .register(registry);
    }

    /** Takes one request of this key from both buckets, or refuses it with 429 and the wait until it would fit. */
    public void admit(String tenant, String keyName) {
        long now = System.nanoTime();
        var limits = config.rateLimit();
        Bucket key = buckets.computeIfAbsent(
                "key\u0000" + tenant + "\u0000" + keyName, k -> new Bucket(limits.perKey(), limits.burstSeconds()));
        Bucket all = buckets.computeIfAbsent(
                "tenant\u0000" + tenant, k -> new Bucket(limits.perTenant(), limits.burstSeconds()));
        double keyWait = key.take(now);
        if (keyWait > 0) {
            refuse(
                    keyRefusals,
                    keyWait,
                    "API key " + keyName + " is over its limit of " + limits.perKey() + " requests/s");
        }
        double tenantWait = all.take(now);
        if (tenantWait > 0) {
            key.giveBack();
            refuse(
                    tenantRefusals,
                    tenantWait,
                    "tenant " + tenant + " is over its limit of " + limits.perTenant() + " requests/s");
        }
    }

    private static void refuse(Counter refusals, double waitSeconds, String detail) {
        refusals.increment();
        throw new ProblemException(
                Problem.of(429, "Too Many Requests", detail + "; retry later"), (long) Math.ceil(waitSeconds));
    }

    /** A token bucket: {@code rate} tokens a second, at most {@code rate * burstSeconds} saved up. */
    static final class Bucket {
        private final double rate;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(double rate, double burstSeconds) {
            this.rate = rate;
            this.capacity = Math.max(1, rate * burstSeconds);
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        /** 0 when a token was taken, else the seconds until one will be there. */
        synchronized double take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }

        synchronized void giveBack() {
            tokens = Math.min(capacity, tokens + 1);
        }
    }
}
