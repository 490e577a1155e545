package dev.incidents.support.lag;

import dev.incidents.support.work.WorkLoop;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How far this service's consumer group is behind the head of {@code incident-events}, as Kafka sees it: events
 * between each partition's committed offset and its end, and seconds since the oldest of those events was written
 * (0 when there are none). Measured every {@code incidents.consumer-lag.interval} for the whole group, so every
 * replica reports the same figure; exported as {@code incidents_consumer_lag_events} and
 * {@code incidents_consumer_lag_seconds}. Offsets are committed after the transaction that applied them (and at most
 * {@code auto.commit.interval.ms} later), so a caught-up consumer can read as that much behind, never less behind than
 * it is. A service without an {@code incident-events} consumer measures nothing.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    /** The group's lag at {@code measuredAt}; null {@code measuredAt} until it was first measured. */
    public record Lag(long events, double seconds, Instant measuredAt) {}

    @ConfigProperty(name = "mp.messaging.incoming.incident-events.group.id")
    Optional<String> group;

    @ConfigProperty(name = "mp.messaging.incoming.incident-events.topic", defaultValue = "incident-events")
    String topic;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @ConfigProperty(name = "incidents.consumer-lag.interval", defaultValue = "PT2S")
    Duration interval;

    @Inject
    MeterRegistry metrics;

    private volatile Lag current = new Lag(0, 0, null);
    private LagMeter meter;
    private WorkLoop loop;

    void start(@Observes StartupEvent ignored) {
        if (group.isEmpty()) {
            return;
        }
        meter = new LagMeter(bootstrapServers, group.get(), topic);
        Gauge.builder("incidents.consumer.lag.events", () -> measured(current.events()))
                .description("Events of incident-events this service's consumer group has not applied yet")
                .tag("group", group.get())
                .register(metrics);
        Gauge.builder("incidents.consumer.lag.seconds", () -> measured(current.seconds()))
                .description("Age of the oldest event this service's consumer group has not applied yet (0 if none)")
                .tag("group", group.get())
                .register(metrics);
        loop = new WorkLoop("consumer-lag", interval, LOG, () -> {
            current = meter.measure();
            return false;
        });
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
        if (meter != null) {
            meter.close();
        }
    }

    /** NaN until the first measurement: "unknown" must not read as "caught up". */
    private double measured(double value) {
        return current.measuredAt() == null ? Double.NaN : value;
    }

    /** The last measurement. */
    public Lag current() {
        return current;
    }
}
