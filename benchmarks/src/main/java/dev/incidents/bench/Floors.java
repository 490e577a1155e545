package dev.incidents.bench;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.tools.ProducerPerformance;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The physical floors our figures are measured against, on the same servers, in the same run: what the raw Kafka
 * producer and raw PostgreSQL writes of the same rows can do with nothing of ours in the way.
 */
final class Floors {

    private Floors() {}

    /** An event as an Alertmanager alert becomes one: the size and shape of what ingest writes and publishes. */
    static EventEnvelope sampleEvent(String incidentId, long seq) {
        return EventEnvelope.of(
                UUID.randomUUID(),
                incidentId,
                seq,
                OffsetDateTime.parse("2026-01-01T10:00:00Z"),
                Instant.now(),
                "integration:bench",
                "bench",
                new IncidentEvent.AlertFired(
                        "alertmanager",
                        "f-" + incidentId + "-" + seq,
                        "HighErrorRate",
                        Severity.SEV1,
                        "svc-7",
                        "5xx ratio above 5% on svc-7",
                        Map.of(
                                "alertname",
                                "HighErrorRate",
                                "service",
                                "svc-7",
                                "severity",
                                "critical",
                                "instance",
                                "i-" + seq),
                        Map.of("summary", "5xx ratio above 5% on svc-7", "description", "error ratio 0.31 over 5m"),
                        Map.of(),
                        List.of(new dev.incidents.domain.AlertLink(
                                "http://prometheus:9090/graph?g0.expr=rate", "source"))));
    }

    static int eventSize() {
        return EventCodec.toJson(sampleEvent(UUID.randomUUID().toString(), 1)).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Kafka's own ProducerPerformance (kafka-producer-perf-test) on the same broker: acks=all, idempotent, records of
     * our event's size, as fast as it goes, into a topic with the partitions of incident-events. Records/s.
     */
    static double kafkaProducer(String bootstrap, int partitions, int records, int recordSize) throws Exception {
        String topic = "bench-floor-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
            awaitLeaders(admin, topic);
        }
        String[] args = {
            "--topic",
            topic,
            "--num-records",
            Integer.toString(records),
            "--record-size",
            Integer.toString(recordSize),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all",
            "enable.idempotence=true"
        };
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        try (PrintStream p = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(p);
            ProducerPerformance.main(args);
        } finally {
            System.setOut(out);
        }
        // Its last line is the whole run: "N records sent, X records/sec (Y MB/sec), ... ms avg latency, ..."
        Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec")
                .matcher(captured.toString(StandardCharsets.UTF_8));
        double rate = Double.NaN;
        while (m.find()) {
            rate = Double.parseDouble(m.group(2));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of(topic)).all().get();
        }
        return rate;
    }

    /**
     * Producing into a topic whose partitions have no leader yet sends the idempotent producer into a loop of
     * NOT_LEADER_OR_FOLLOWER then OUT_OF_ORDER_SEQUENCE_NUMBER retries that never ends; the floor starts once
     * every partition has one.
     */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            TopicDescription description = null;
            try {
                description = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (description != null
                    && description.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions of " + topic + " have no leader after 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Event-store and outbox tables of the same shape as the command service's, beside them. */
    private static void floorTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists floor_event_store, floor_outbox");
            s.execute("create table floor_event_store (like event_store including all)");
            s.execute("create table floor_outbox (like outbox including all)");
        }
    }

    private static void dropFloorTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists floor_event_store, floor_outbox");
        }
    }

    private static void addRow(PreparedStatement event, PreparedStatement outbox, EventEnvelope e) throws SQLException {
        String json = EventCodec.toJson(e);
        event.setObject(1, e.eventId());
        event.setString(2, e.incidentId());
        event.setLong(3, e.sequence());
        event.setString(4, e.type());
        event.setInt(5, e.schemaVersion());
        event.setObject(6, e.occurredAt());
        event.setObject(7, e.recordedAt().atOffset(java.time.ZoneOffset.UTC));
        event.setString(8, e.actor());
        event.setString(9, e.tenant());
        event.setString(10, json);
        outbox.setObject(1, e.eventId());
        outbox.setString(2, e.incidentId());
        outbox.setLong(3, e.sequence());
        outbox.setString(4, json);
        outbox.setString(5, e.tenant());
        outbox.setString(6, e.type());
        outbox.setInt(7, e.schemaVersion());
        outbox.setString(8, e.occurredAt().toString());
        outbox.setString(9, e.recordedAt().toString());
    }

    private static final String INSERT_EVENT =
            "insert into floor_event_store (event_id, incident_id, seq, type, schema_version, occurred_at,"
                    + " recorded_at, actor, tenant, envelope) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
    private static final String INSERT_OUTBOX =
            "insert into floor_outbox (event_id, incident_id, seq, envelope, tenant, type, schema_version,"
                    + " occurred_at, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Raw batched INSERT of event + outbox rows, {@code batch} events per transaction, one connection. Events/s. */
    static double batchedInsert(String jdbcUrl, String user, String password, int events, int batch)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl + "?reWriteBatchedInserts=true", user, password)) {
            floorTables(c);
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement event = c.prepareStatement(INSERT_EVENT);
                    PreparedStatement outbox = c.prepareStatement(INSERT_OUTBOX)) {
                for (int i = 0; i < events; i++) {
                    addRow(event, outbox, sampleEvent("floor-" + (i / 10), i % 10 + 1 + (long) i * 10));
                    event.addBatch();
                    outbox.addBatch();
                    if ((i + 1) % batch == 0 || i == events - 1) {
                        event.executeBatch();
                        outbox.executeBatch();
                        c.commit();
                    }
                }
            }
            double rate = events / ((System.nanoTime() - t0) / 1e9);
            c.setAutoCommit(true);
            dropFloorTables(c);
            return rate;
        }
    }

    /**
     * The naive ceiling: each "request" is one transaction of one event + outbox row, from {@code clients} connections
     * at once, for {@code seconds}. Events/s (= requests/s). Group commit in PostgreSQL is all that helps here.
     */
    static double commitPerRequest(String jdbcUrl, String user, String password, int clients, double seconds)
            throws Exception {
        try (Connection setup = DriverManager.getConnection(jdbcUrl, user, password)) {
            floorTables(setup);
        }
        AtomicLong committed = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < clients; t++) {
            int client = t;
            Thread th = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                        PreparedStatement event = c.prepareStatement(INSERT_EVENT);
                        PreparedStatement outbox = c.prepareStatement(INSERT_OUTBOX)) {
                    c.setAutoCommit(false);
                    ready.countDown();
                    ready.await();
                    long n = 0;
                    while (System.nanoTime() < window[1]) {
                        addRow(event, outbox, sampleEvent("floor-c" + client + "-" + n, 1));
                        event.executeUpdate();
                        outbox.executeUpdate();
                        c.commit();
                        n++;
                        committed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            threads.add(th);
        }
        window[0] = System.nanoTime() + 1_000_000_000L; // connections open first
        window[1] = window[0] + (long) (seconds * 1e9);
        threads.forEach(Thread::start);
        Thread.sleep(Math.max(0, (window[0] - System.nanoTime()) / 1_000_000));
        long before = committed.get();
        long start = System.nanoTime();
        for (Thread th : threads) {
            th.join();
        }
        double rate = (committed.get() - before) / ((System.nanoTime() - start) / 1e9);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            dropFloorTables(c);
        }
        return rate;
    }

    /** Floors for writing the read models: the rows a rebuild produced, written again raw. */
    record ReadModelFloor(long rows, double batchedInsertSeconds, double copySeconds) {}

    /**
     * Takes the query service's read-model rows (incident_event, incident_view) and writes them into tables of the same
     * shape, once with batched INSERTs (1000 rows per transaction) and once with COPY.
     */
    static ReadModelFloor readModels(String jdbcUrl, String user, String password) throws Exception {
        List<String> tables = List.of("incident_event", "incident_view");
        long rows = 0;
        double insertSeconds = 0;
        double copySeconds = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl + "?reWriteBatchedInserts=true", user, password)) {
            for (String table : tables) {
                String floor = "floor_" + table;
                List<String> columns = new ArrayList<>();
                List<String> types = new ArrayList<>();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(
                                "select column_name, data_type, udt_name, is_generated, identity_generation"
                                        + " from information_schema.columns where table_name = '" + table
                                        + "' order by ordinal_position")) {
                    while (rs.next()) {
                        if (rs.getString("identity_generation") != null) {
                            continue; // generated by the table itself, as in the projection
                        }
                        columns.add(rs.getString("column_name"));
                        types.add(
                                rs.getString("data_type").equals("ARRAY")
                                        ? rs.getString("udt_name").substring(1) + "[]"
                                        : rs.getString("udt_name"));
                    }
                }
                String columnList = String.join(", ", columns);
                try (Statement s = c.createStatement()) {
                    s.execute("drop table if exists " + floor);
                    s.execute("create table " + floor + " (like " + table + " including all)");
                }
                // The rows as COPY text (the client keeps them), then as values for INSERT.
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                copy.copyOut("copy (select " + columnList + " from " + table + ") to stdout", text);
                List<String[]> values = new ArrayList<>();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select " + columnList + " from " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        String[] row = new String[md.getColumnCount()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = rs.getString(i + 1);
                        }
                        values.add(row);
                    }
                }
                rows += values.size();

                StringBuilder placeholders = new StringBuilder();
                for (int i = 0; i < types.size(); i++) {
                    placeholders.append(i == 0 ? "" : ", ").append("?::").append(types.get(i));
                }
                c.setAutoCommit(false);
                long t0 = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into " + floor + " (" + columnList + ") values (" + placeholders + ")")) {
                    for (int r = 0; r < values.size(); r++) {
                        String[] row = values.get(r);
                        for (int i = 0; i < row.length; i++) {
                            ps.setString(i + 1, row[i]);
                        }
                        ps.addBatch();
                        if ((r + 1) % 1000 == 0 || r == values.size() - 1) {
                            ps.executeBatch();
                            c.commit();
                        }
                    }
                }
                insertSeconds += (System.nanoTime() - t0) / 1e9;
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("truncate " + floor);
                }
                long t1 = System.nanoTime();
                copy.copyIn(
                        "copy " + floor + " (" + columnList + ") from stdin",
                        new java.io.ByteArrayInputStream(text.toByteArray()));
                copySeconds += (System.nanoTime() - t1) / 1e9;
                try (Statement s = c.createStatement()) {
                    s.execute("drop table " + floor);
                }
            }
        }
        return new ReadModelFloor(rows, insertSeconds, copySeconds);
    }
}
