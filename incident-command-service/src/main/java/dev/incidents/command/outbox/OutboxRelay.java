package dev.incidents.command.outbox;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to the {@code incident-events} topic, keyed by incident id, as CloudEvents in Kafka
 * binary mode (attributes in {@code ce_*} headers, the envelope JSON as data). A row is deleted only after
 * Kafka acknowledged it (acks=all, idempotent producer), in the transaction that read it: a crash in between
 * publishes it again, which consumers absorb by (incident id, sequence).
 *
 * <p>It takes whatever rows exist, oldest first, rather than "ids after the last one seen": a transaction
 * still in flight may commit a lower id later, and must not be skipped. One relay publishes at a time across
 * replicas (a transaction-scoped advisory lock), so an incident's events reach its partition in order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Advisory lock id of the relay: "outbox" in ASCII. */
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private static final URI SOURCE = URI.create("/incident-command-service");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    @Channel("incident-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<String> emitter;

    /** Most rows published in one transaction. */
    @ConfigProperty(name = "incidents.relay.batch-size", defaultValue = "500")
    int batchSize;

    /** How long the relay sleeps when there is nothing to publish and no write woke it. */
    @ConfigProperty(name = "incidents.relay.idle-poll", defaultValue = "PT0.5S")
    Duration idlePoll;

    /** How long a batch may wait for Kafka's acknowledgements before it is retried. */
    @ConfigProperty(name = "incidents.relay.send-timeout", defaultValue = "PT30S")
    Duration sendTimeout;

    private WorkLoop loop;

    void start(@Observes StartupEvent ignored) {
        loop = new WorkLoop("outbox-relay", idlePoll, LOG, () -> QuarkusTransaction.requiringNew().call(this::publishBatch) > 0);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    /** Called after a write committed, so an event does not wait for the next poll. */
    public void wakeUp() {
        if (loop != null) {
            loop.wakeUp();
        }
    }

    /** Publishes one batch inside the caller's transaction; the number of rows published. */
    int publishBatch() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            if (!tryLock(c)) {
                return 0; // another replica is relaying
            }
            List<Long> ids = new ArrayList<>();
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, envelope from outbox order by id limit ?")) {
                ps.setInt(1, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        acks.add(send(EventCodec.fromJson(rs.getString(2)), rs.getString(2)));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try (PreparedStatement del = c.prepareStatement("delete from outbox where id = any(?)")) {
                Array array = c.createArrayOf("bigint", ids.toArray());
                del.setArray(1, array);
                del.executeUpdate();
            }
            return ids.size();
        }
    }

    private CompletableFuture<Void> send(EventEnvelope e, String json) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(e.incidentId()).build();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(e.eventId().toString())
                .withSource(SOURCE)
                .withType("dev.incidents." + e.type())
                .withSubject(e.incidentId())
                .withTimestamp(e.occurredAt().toZonedDateTime())
                .withDataContentType("application/json")
                .withExtension("sequence", Long.toString(e.sequence()))
                .withExtension("schemaversion", Integer.toString(e.schemaVersion()))
                .withExtension("tenant", e.tenant())
                .withExtension("recordedat", e.recordedAt().toString())
                .build();
        Message<String> message = Message.of(json, Metadata.of(kafka, ce), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        });
        emitter.send(message);
        return acked;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, RELAY_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
