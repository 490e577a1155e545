package dev.incidents.query.rebuild;

import dev.incidents.query.projection.Projector;
import dev.incidents.query.projection.Projector.Tables;
import dev.incidents.support.parking.ParkedRecords;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Rebuilds every read model from offset 0 of {@code incident-events}: the log is projected into fresh tables
 * while the live projection goes on, the rebuild catches up with the head of the log, and its last catch-up
 * and the swap of the fresh tables for the live ones happen in one short transaction that holds the live tables'
 * locks. A changed definition or a projection bug is fixed this way, never by a data migration.
 */
@ApplicationScoped
public class Rebuild {

    private static final Logger LOG = Logger.getLogger(Rebuild.class);
    private static final String TOPIC = "incident-events";
    /** Catch-up passes outside the lock (each shorter than the last while the rebuild outpaces the writes); then the rest under it. */
    private static final int MAX_UNLOCKED_PASSES = 10;
    /** What is left for the last pass, under the lock (the live projection and reads wait for it). */
    private static final long LOCKED_PASS_EVENTS = 100;

    /** Progress as the admin API shows it. */
    public record Progress(
            String state,
            Instant startedAt,
            long events,
            long totalEvents,
            double eventsPerSecond,
            Double percent,
            Long etaSeconds,
            String error) {}

    @Inject
    Projector projector;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ParkedRecords parked;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final AtomicReference<Progress> progress =
            new AtomicReference<>(new Progress("idle", null, 0, 0, 0, null, null, null));

    public Progress progress() {
        return progress.get();
    }

    /** Starts a rebuild in the background; false when one is already running. */
    public synchronized boolean start() {
        if (progress.get().state().equals("running")) {
            return false;
        }
        progress.set(new Progress("running", Instant.now(), 0, 0, 0, 0.0, null, null));
        Thread t = new Thread(this::run, "read-model-rebuild");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /*
     * Why nothing is lost or applied twice: the live projection writes a record to the live tables only once it is in the
     * log, in a transaction that holds those tables' locks. Once the swap transaction holds them, every record applied
     * to the old tables is below the end offsets read next; the rebuild projects everything up to those offsets, then
     * renames, all before the live projection writes again. The live consumer then goes on from its own offsets in the
     * fresh tables: what it sees again, the per-incident positions absorb. Nothing is replayed after the swap, so a crash
     * at any point leaves either the old tables or complete fresh ones.
     */
    void run() {
        Instant started = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            execute(
                    "drop table if exists incident_event_rebuild, incident_view_rebuild, pending_event_rebuild,"
                            + " action_item_view_rebuild",
                    "create table incident_event_rebuild (like incident_event including all)",
                    "create table incident_view_rebuild (like incident_view including all)",
                    "create table pending_event_rebuild (like pending_event including all)",
                    "create table action_item_view_rebuild (like action_item_view including all)");
            // Secondary indexes cost more row by row than built once at the end; the keys the projection needs stay.
            List<String> indexes = QuarkusTransaction.requiringNew()
                    .call(() -> dropSecondaryIndexes(
                            "incident_event_rebuild", "incident_view_rebuild", "action_item_view_rebuild"));
            projector.forgetFolded();
            // Rebuilt rows get stream positions after every live one, so that a resumed stream never goes back.
            execute("select setval(pg_get_serial_sequence('incident_event_rebuild', 'position'),"
                    + " (select coalesce(max(position), 0) + 1 from incident_event), false)");

            // The log up to its end when we started, then what arrived meanwhile, while the live projection goes on.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long applied = replay(consumer, end, started, sum(end), 0);
            for (int pass = 0; pass < MAX_UNLOCKED_PASSES; pass++) {
                end = consumer.endOffsets(partitions);
                long behind = behind(consumer, end);
                if (behind <= LOCKED_PASS_EVENTS) {
                    break;
                }
                applied += replay(consumer, end, started, applied + behind, applied);
            }
            long indexing = System.nanoTime();
            execute(indexes.toArray(String[]::new));
            LOG.infof(
                    "rebuild: %d secondary indexes built in %.1f s",
                    indexes.size(), (System.nanoTime() - indexing) / 1e9);
            LOG.infof(
                    "rebuild: %d events projected into fresh tables; catching up under the lock and swapping them in",
                    applied);

            long before = applied;
            long tail = QuarkusTransaction.requiringNew().call(() -> {
                // The live projector locks incident_view first (its row, for update), then incident_event,
                // pending_event, action_item_view.
                statements("lock table incident_view, incident_event, pending_event, action_item_view"
                        + " in access exclusive mode");
                Map<TopicPartition, Long> head = consumer.endOffsets(partitions);
                long last = replay(
                        consumer, head, started, before + behind(consumer, head), before); // joins this transaction
                statements(
                        // Positions of what the live projection writes next come after any the old table handed out.
                        "select setval(pg_get_serial_sequence('incident_event_rebuild', 'position'), greatest("
                                + "(select coalesce(max(position), 0) from incident_event), (select coalesce(max(position), 0) from incident_event_rebuild), 1))",
                        "alter table incident_event rename to incident_event_replaced",
                        "alter table incident_view rename to incident_view_replaced",
                        "alter table pending_event rename to pending_event_replaced",
                        "alter table action_item_view rename to action_item_view_replaced",
                        "alter table incident_event_rebuild rename to incident_event",
                        "alter table incident_view_rebuild rename to incident_view",
                        "alter table pending_event_rebuild rename to pending_event",
                        "alter table action_item_view_rebuild rename to action_item_view",
                        // Dropping the old tables also invalidates plans cached against them.
                        "drop table incident_event_replaced, incident_view_replaced, pending_event_replaced,"
                                + " action_item_view_replaced");
                return last;
            });
            projector.forgetFolded(); // states remembered for the old tables and under the rebuild's names

            long events = applied + tail;
            double seconds =
                    Math.max(0.001, Duration.between(started, Instant.now()).toMillis() / 1000.0);
            progress.set(new Progress(
                    "completed", started, events, events, Math.round(events / seconds * 10) / 10.0, 100.0, 0L, null));
            LOG.infof(
                    "rebuild: completed, %d events in %.1f s (%.0f events/s), %d of them under the lock",
                    events, seconds, events / seconds, tail);
        } catch (Exception e) {
            LOG.error("rebuild failed; the live read models are untouched", e);
            Progress p = progress.get();
            progress.set(new Progress(
                    "failed",
                    started,
                    p.events(),
                    p.totalEvents(),
                    p.eventsPerSecond(),
                    p.percent(),
                    null,
                    e.toString()));
        }
    }

    /** Projects every record polled into the fresh tables until the consumer reached {@code end} on every partition. */
    private long replay(
            KafkaConsumer<String, byte[]> consumer,
            Map<TopicPartition, Long> end,
            Instant started,
            long total,
            long alreadyApplied) {
        long applied = alreadyApplied;
        long lastReport = System.nanoTime();
        while (!reached(consumer, end)) {
            // A record past the end is applied too: the consumer's position has moved beyond it, and nothing reads it
            // again.
            // A poll at a time, decoded and parked as the live consumer does: what it parked is parked (once) here too.
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                parked.consumeBatch(
                        records,
                        batch -> projector.applyAll(Tables.REBUILD, batch),
                        e -> projector.applyTo(Tables.REBUILD, e));
                applied += records.count();
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                report(started, applied, Math.max(total, applied));
            }
        }
        report(started, applied, Math.max(total, applied));
        return applied - alreadyApplied;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Records between the consumer's positions and {@code end}. */
    private static long behind(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - consumer.position(e.getKey())))
                .sum();
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private void report(Instant started, long applied, long total) {
        double seconds =
                Math.max(0.001, Duration.between(started, Instant.now()).toMillis() / 1000.0);
        double rate = applied / seconds;
        Double percent = total == 0 ? 100.0 : Math.min(100.0, Math.round(1000.0 * applied / total) / 10.0);
        Long eta = rate <= 0 ? null : (long) Math.ceil(Math.max(0, total - applied) / rate);
        progress.set(
                new Progress("running", started, applied, total, Math.round(rate * 10) / 10.0, percent, eta, null));
        LOG.infof("rebuild: %d/%d events (%.1f%%), %.0f events/s, ETA %s s", applied, total, percent, rate, eta);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "incident-query-rebuild-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Drops the indexes of these tables that no key or constraint needs and returns the statements that build them
     * again (as the migrations defined them, under the fresh table's names).
     */
    private List<String> dropSecondaryIndexes(String... tables) {
        List<String> definitions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                                + " from pg_index i where i.indrelid = any(?::regclass[])"
                                + " and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)")) {
            ps.setArray(1, c.createArrayOf("text", tables));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    definitions.add(rs.getString(2));
                }
            }
            try (Statement s = c.createStatement()) {
                for (String name : names) {
                    s.execute("drop index " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rebuild step failed", e);
        }
        return definitions;
    }

    private void execute(String... statements) {
        QuarkusTransaction.requiringNew().run(() -> statements(statements));
    }

    /** Runs the statements in the current transaction. */
    private void statements(String... statements) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rebuild step failed", e);
        }
    }
}
