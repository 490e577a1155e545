package dev.incidents.command.outbox;

import dev.incidents.support.tracing.RecordSpans;
import dev.incidents.support.tracing.TraceParents;
import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadataBuilder;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to the {@code incident-events} topic, keyed by incident id, as CloudEvents in Kafka
 * binary mode (attributes in {@code ce_*} headers, taken from the row's columns; the envelope JSON as data, sent
 * as stored). A row is deleted only after Kafka acknowledged it (acks=all, idempotent producer): a crash in
 * between publishes it again, which consumers absorb by (incident id, sequence).
 *
 * <p>It takes whatever rows exist, oldest first, rather than "ids after the last one seen": a transaction
 * still in flight may commit a lower id later, and must not be skipped. One relay publishes at a time across
 * replicas: the one holding a session-level advisory lock on a connection of its own, so no transaction stays
 * open across the Kafka round trip; if that connection breaks the lock goes with it and any replica takes over.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Advisory lock id of the relay: "outbox" in ASCII. */
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private static final URI SOURCE = URI.create("/incident-command-service");

    /**
     * The CloudEvents extension ({@code ce_imported} header) of an event imported from another installation's log:
     * history, not news, so subscribers are not told again.
     */
    public static final String IMPORTED = "imported";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Tracer tracer;

    @Inject
    @Channel("incident-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
    Emitter<String> emitter;

    /** The topic the channel writes to, named in the publish spans. */
    @ConfigProperty(name = "mp.messaging.outgoing.incident-events.topic", defaultValue = "incident-events")
    String topic;

    /** Most rows published in one round. */
    @ConfigProperty(name = "incidents.relay.batch-size", defaultValue = "500")
    int batchSize;

    /** How long the relay sleeps when there is nothing to publish and no write woke it. */
    @ConfigProperty(name = "incidents.relay.idle-poll", defaultValue = "PT0.5S")
    Duration idlePoll;

    /** How long a batch may wait for Kafka's acknowledgements before it is retried. */
    @ConfigProperty(name = "incidents.relay.send-timeout", defaultValue = "PT30S")
    Duration sendTimeout;

    private WorkLoop loop;

    /** The connection holding the relay's advisory lock while this replica is the one relaying. */
    private Connection leader;

    void start(@Observes StartupEvent ignored) {
        loop = new WorkLoop("outbox-relay", idlePoll, LOG, () -> publishBatch() > 0);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
        resign();
    }

    /** Called after a write committed, so an event does not wait for the next poll. */
    public void wakeUp() {
        if (loop != null) {
            loop.wakeUp();
        }
    }

    /** Publishes one batch; the number of rows published. Each statement commits on its own. */
    int publishBatch() throws Exception {
        if (!lead()) {
            return 0; // another replica is relaying
        }
        try {
            List<Long> ids = new ArrayList<>();
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            try (PreparedStatement ps = leader.prepareStatement(
                    "select id, event_id, incident_id, seq, envelope, tenant, type, schema_version,"
                            + " occurred_at, recorded_at, imported, traceparent from outbox order by id limit ?")) {
                ps.setInt(1, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        acks.add(send(new Row(
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getInt(8),
                                rs.getString(9),
                                rs.getString(10),
                                rs.getBoolean(11),
                                rs.getString(12))));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try (PreparedStatement del = leader.prepareStatement("delete from outbox where id = any(?)")) {
                Array array = leader.createArrayOf("bigint", ids.toArray());
                del.setArray(1, array);
                del.executeUpdate();
            }
            return ids.size();
        } catch (SQLException e) {
            resign(); // the lock may be gone with the connection: take it again, or let another replica
            throw e;
        }
    }

    /** True when this replica holds the relay's lock, taking it if it is free. */
    private boolean lead() throws SQLException {
        if (leader != null) {
            return true;
        }
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
                ps.setLong(1, RELAY_LOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        leader = c;
                        return true;
                    }
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.close();
        return false;
    }

    /** Gives the lock up: closing the connection ends the session that held it. */
    private void resign() {
        Connection c = leader;
        leader = null;
        if (c == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
            ps.setLong(1, RELAY_LOCK);
            ps.execute();
        } catch (SQLException e) {
            LOG.debugf("could not unlock the relay lock (the connection is gone with it): %s", e);
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debugf("closing the relay's connection: %s", e);
        }
    }

    /** An outbox row: the envelope as stored, and the attributes its headers carry. */
    private record Row(
            String eventId,
            String incidentId,
            long sequence,
            String envelope,
            String tenant,
            String type,
            int schemaVersion,
            String occurredAt,
            String recordedAt,
            boolean imported,
            String traceparent) {}

    private CompletableFuture<Void> send(Row row) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Span publish = publishSpan(row);
        RecordHeaders headers = new RecordHeaders();
        String traceparent = TraceParents.of(publish);
        if (traceparent != null) {
            headers.add(TraceParents.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(row.incidentId())
                .withHeaders(headers)
                .build();
        OutgoingCloudEventMetadataBuilder<Object> attributes = OutgoingCloudEventMetadata.builder()
                .withId(row.eventId())
                .withSource(SOURCE)
                .withType("dev.incidents." + row.type())
                .withSubject(row.incidentId())
                .withTimestamp(ZonedDateTime.parse(row.occurredAt()))
                .withDataContentType("application/json")
                .withExtension("sequence", Long.toString(row.sequence()))
                .withExtension("schemaversion", Integer.toString(row.schemaVersion()))
                .withExtension("tenant", row.tenant())
                .withExtension("recordedat", row.recordedAt());
        if (row.imported()) {
            attributes.withExtension(IMPORTED, "true");
        }
        OutgoingCloudEventMetadata<Object> ce = attributes.build();
        Message<String> message = Message.of(
                row.envelope(),
                Metadata.of(kafka, ce),
                () -> {
                    publish.end();
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    publish.setStatus(StatusCode.ERROR, failure.toString());
                    publish.end();
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }

    /**
     * The row's span from its publishing until Kafka's acknowledgement, continuing the trace of the request that wrote
     * it; the record's {@code traceparent} header names it, so consumers continue from here. An untraced row
     * (tracing off, an import) gets none, rather than a trace of its own.
     */
    private Span publishSpan(Row row) {
        Context parent = TraceParents.parent(row.traceparent());
        if (parent == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("publish " + topic)
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.message.id", row.eventId())
                .setAttribute(RecordSpans.INCIDENT_ID, row.incidentId())
                .setAttribute(RecordSpans.SEQUENCE, row.sequence())
                .setAttribute(RecordSpans.EVENT_TYPE, row.type())
                .setAttribute(RecordSpans.TENANT, row.tenant())
                .startSpan();
    }
}
