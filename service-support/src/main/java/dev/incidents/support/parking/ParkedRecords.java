package dev.incidents.support.parking;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.EventRecords;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.tracing.RecordSpans;
import dev.incidents.support.tracing.TraceParents;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What a consumer of {@code incident-events} cannot decode or apply is parked here, and the consumer moves on
 * (ARCHITECTURE decision 11): the raw record (key, value, headers) and where it was (topic, partition, offset) with the
 * reason, in the service's {@code parked_record} table; counted in {@code incidents_records_parked_total{reason}};
 * listed to admins ({@code GET /api/v1/admin/parked-records}). Every consumer decodes through
 * {@link EventRecords#decode}, so the query service and the notifier park the same records for the same reasons.
 *
 * <p>A failure to apply a decoded event is the record's when nothing but the record can explain it (the fold refuses
 * it, a value PostgreSQL calls invalid): that record is parked. A failure of the infrastructure (the database down or
 * busy, a lock, a transaction that could not commit) is not the record's: the same record is tried again, with backoff,
 * and nothing behind it overtakes it. A redelivered record is parked once ({@code unique (topic, partition, offset)})
 * and counted once.
 */
@ApplicationScoped
public class ParkedRecords {

    private static final Logger LOG = Logger.getLogger(ParkedRecords.class);

    /** Micrometer's name of {@code incidents_records_parked_total}. */
    public static final String METRIC = "incidents.records.parked";

    /** The reason of a decoded event that the service could not apply. */
    public static final String APPLY_FAILED = "apply-failed";

    /** Every reason there is: the refusals of {@link EventRecords}, and {@link #APPLY_FAILED}. A metric tag, so bounded. */
    public static final Set<String> REASONS = reasons();

    /** Tries of an integrity violation (a unique key taken by a concurrent writer clears on retry) before it is the record's. */
    private static final int INTEGRITY_TRIES = 3;

    private static final int MAX_DETAIL = 2000;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Parked(
            long id,
            String topic,
            int partition,
            long offset,
            String key,
            String tenant,
            String reason,
            String detail,
            String value,
            String valueEncoding,
            JsonNode headers,
            Instant parkedAt) {}

    public record Page(List<Parked> items, String nextCursor) {}

    /** A request for a page, checked: a reason of {@link #REASONS} or none, 1 to 200 items, a cursor this service gave out. */
    public record Query(String reason, Long cursor, int limit) {
        public static Query of(String reason, String cursor, String limit) {
            Long requested = QueryParams.number("limit", limit, 1, 200);
            int size = requested == null ? 50 : requested.intValue();
            String r = reason == null || reason.isBlank() ? null : reason;
            if (r != null && !REASONS.contains(r)) {
                throw new ProblemException(
                        Problem.invalid("reason", "'" + r + "' is not one of " + String.join(", ", REASONS)));
            }
            Long after = null;
            if (cursor != null && !cursor.isBlank()) {
                try {
                    after = Long.parseLong(cursor);
                } catch (NumberFormatException e) {
                    throw new ProblemException(Problem.invalid("cursor", "not a cursor this service handed out"));
                }
            }
            return new Query(r, after, size);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper mapper;

    @Inject
    RecordSpans spans;

    /**
     * The tenant whose admins also see the records nobody can attribute (a value that is not JSON and no
     * {@code ce_tenant}): the installation's own.
     */
    @ConfigProperty(name = "incidents.operator-tenant", defaultValue = "default")
    String operatorTenant;

    private final Map<String, Counter> counters = new LinkedHashMap<>();

    private volatile boolean stopping;

    @PostConstruct
    void registerCounters() {
        // Every reason from 0, so that a rate or an alert sees the first parked record.
        for (String reason : REASONS) {
            counters.put(
                    reason,
                    Counter.builder(METRIC)
                            .description("Records of incident-events parked because they cannot be decoded or applied")
                            .tag("reason", reason)
                            .register(registry));
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
    }

    /**
     * Takes one record: the event it holds goes to {@code apply}, or the record is parked. Returns normally for any
     * record; it throws only when the service stops while the infrastructure keeps failing (the record was neither
     * applied nor parked, and its offset is not committed: it comes again).
     */
    public void consume(ConsumerRecord<String, byte[]> record, Consumer<EventEnvelope> apply) {
        EventRecords.Verdict verdict = EventRecords.decode(record.key(), record.value(), headers(record));
        if (verdict instanceof EventRecords.Refused refused) {
            park(record, refused.reason().wireName(), refused.detail(), refused.tenant());
            return;
        }
        EventEnvelope event = ((EventRecords.Accepted) verdict).event();
        applyOrPark(record, event, spans.process(record, event), apply);
    }

    /**
     * Applies the event, or parks its record; ends the record's span either way. {@code apply} runs with the span
     * current, so what it records for later (a delivery) can continue the trace.
     */
    private void applyOrPark(
            ConsumerRecord<String, byte[]> record, EventEnvelope event, Span span, Consumer<EventEnvelope> apply) {
        try {
            for (int attempt = 1; ; attempt++) {
                try (Scope ignored = span.makeCurrent()) {
                    apply.accept(event);
                    return;
                } catch (RuntimeException e) {
                    Fault fault = Fault.of(e);
                    if (fault == Fault.RECORD || fault == Fault.INTEGRITY && attempt >= INTEGRITY_TRIES) {
                        park(record, APPLY_FAILED, describe(e), event.tenant());
                        span.setStatus(StatusCode.ERROR, "parked: " + APPLY_FAILED);
                        return;
                    }
                    LOG.warnf(
                            "cannot apply %s (%s) yet, try %d; trying again: %s",
                            where(record), event.eventId(), attempt, describe(e));
                    pause(attempt, record);
                }
            }
        } finally {
            span.end();
        }
    }

    /**
     * A decoded event and the JSON text it came as, so that a consumer can store it without encoding it again; and
     * where its consumer's span sits in the request's trace ({@link TraceParents}), null when it has none.
     */
    public record Decoded(EventEnvelope event, String json, String traceparent) {
        public Decoded(EventEnvelope event, String json) {
            this(event, json, null);
        }
    }

    /**
     * Takes one poll's records: the events they hold go to {@code applyAll} together (one transaction), and what cannot
     * be decoded is parked. When the batch fails because of the infrastructure it is tried again, whole, with backoff;
     * when it fails because of a record, its records are taken one by one through {@code applyOne}, which parks the
     * culprit (see {@link #consume}) and applies the rest.
     */
    public void consumeBatch(
            Iterable<ConsumerRecord<String, byte[]>> records,
            Consumer<List<Decoded>> applyAll,
            Consumer<EventEnvelope> applyOne) {
        List<Decoded> decoded = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>();
        List<Span> recordSpans = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            EventRecords.Verdict verdict = EventRecords.decode(record.key(), record.value(), headers(record));
            if (verdict instanceof EventRecords.Refused refused) {
                park(record, refused.reason().wireName(), refused.detail(), refused.tenant());
            } else {
                EventRecords.Accepted accepted = (EventRecords.Accepted) verdict;
                Span span = spans.process(record, accepted.event());
                decoded.add(new Decoded(accepted.event(), accepted.json(), TraceParents.of(span)));
                sources.add(record);
                recordSpans.add(span);
            }
        }
        if (decoded.isEmpty()) {
            return;
        }
        boolean oneByOne = false;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    applyAll.accept(decoded);
                    return;
                } catch (RuntimeException e) {
                    if (Fault.of(e) != Fault.INFRASTRUCTURE) {
                        LOG.warnf(
                                "a batch of %d events from %s failed (%s); applying them one by one",
                                decoded.size(), where(sources.get(0)), describe(e));
                        oneByOne = true;
                        for (int i = 0; i < decoded.size(); i++) {
                            applyOrPark(sources.get(i), decoded.get(i).event(), recordSpans.get(i), applyOne);
                        }
                        return;
                    }
                    LOG.warnf(
                            "cannot apply a batch of %d events from %s yet, try %d; trying again: %s",
                            decoded.size(), where(sources.get(0)), attempt, describe(e));
                    pause(attempt, sources.get(0));
                }
            }
        } finally {
            if (!oneByOne) { // one by one, each record's span ended with it
                recordSpans.forEach(Span::end);
            }
        }
    }

    /** Parks a record; false when it was parked before (a redelivery), which is neither stored nor counted again. */
    public boolean park(ConsumerRecord<String, byte[]> record, String reason, String detail, String tenant) {
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("unknown reason " + reason);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                boolean parked = insert(record, reason, detail, tenant);
                if (parked) {
                    counters.get(reason).increment();
                    LOG.errorf("parked %s (%s): %s", where(record), reason, detail);
                }
                return parked;
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("cannot park %s yet, try %d; trying again: %s", where(record), attempt, describe(e));
                pause(attempt, record);
            }
        }
    }

    /**
     * A page of the records parked for this tenant, newest first; the operator's tenant also sees those nobody can
     * attribute. {@code nextCursor} is the last id of the page.
     */
    public Page page(String tenant, Query q) {
        StringBuilder sql = new StringBuilder(
                "select id, topic, kafka_partition, kafka_offset, record_key, tenant, reason, detail, value,"
                        + " value_encoding, headers, parked_at from parked_record where (tenant = ? or (tenant is null and ?))");
        List<Object> args = new ArrayList<>(List.of(tenant, tenant.equals(operatorTenant)));
        if (q.reason() != null) {
            sql.append(" and reason = ?");
            args.add(q.reason());
        }
        if (q.cursor() != null) {
            sql.append(" and id < ?");
            args.add(q.cursor());
        }
        sql.append(" order by id desc limit ?");
        args.add(q.limit() + 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Parked> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Parked(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getInt(3),
                            rs.getLong(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            mapper.readTree(rs.getString(11)),
                            rs.getTimestamp(12).toInstant()));
                }
            }
            String next = null;
            if (rows.size() > q.limit()) {
                rows = rows.subList(0, q.limit());
                next = Long.toString(rows.get(q.limit() - 1).id());
            }
            return new Page(List.copyOf(rows), next);
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot read the parked records", e);
        }
    }

    private boolean insert(ConsumerRecord<String, byte[]> r, String reason, String detail, String tenant)
            throws SQLException {
        String text = r.value() == null ? null : text(r.value());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "insert into parked_record (topic, kafka_partition, kafka_offset, record_key, tenant, reason,"
                                + " detail, value, value_encoding, headers) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                + " on conflict (topic, kafka_partition, kafka_offset) do nothing")) {
            ps.setString(1, r.topic());
            ps.setInt(2, r.partition());
            ps.setLong(3, r.offset());
            ps.setString(4, noNul(r.key()));
            ps.setString(5, tenant);
            ps.setString(6, reason);
            ps.setString(7, shorten(noNul(detail)));
            if (r.value() == null) {
                ps.setString(8, null);
                ps.setString(9, null);
            } else if (text != null) {
                ps.setString(8, text);
                ps.setString(9, "utf-8");
            } else {
                ps.setString(8, Base64.getEncoder().encodeToString(r.value()));
                ps.setString(9, "base64");
            }
            ps.setString(10, headersJson(r));
            return ps.executeUpdate() == 1;
        }
    }

    /** The headers as a JSON array of {key, value}, a value that is not UTF-8 text in base64 (then valueEncoding says so). */
    private String headersJson(ConsumerRecord<String, byte[]> r) {
        ArrayNode headers = mapper.createArrayNode();
        for (Header h : r.headers()) {
            ObjectNode o = headers.addObject();
            o.put("key", h.key());
            String text = h.value() == null ? null : text(h.value());
            if (h.value() == null) {
                o.putNull("value");
            } else if (text != null) {
                o.put("value", text);
            } else {
                o.put("value", Base64.getEncoder().encodeToString(h.value()));
                o.put("valueEncoding", "base64");
            }
        }
        return headers.toString(); // JSON escapes what a text column refuses (NUL)
    }

    private static List<EventRecords.Header> headers(ConsumerRecord<String, byte[]> record) {
        List<EventRecords.Header> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(new EventRecords.Header(h.key(), h.value()));
        }
        return headers;
    }

    /** Why the apply failed, as far as can be told. */
    enum Fault {
        /** Nothing but the record explains it: the fold refused it, PostgreSQL called a value invalid (SQLSTATE class 22). */
        RECORD,
        /** A constraint (SQLSTATE class 23): a concurrent writer's key clears on retry, a persistent one is the record's. */
        INTEGRITY,
        /** The database or the transaction manager failed: the record is not at fault and is tried again. */
        INFRASTRUCTURE;

        static Fault of(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SQLException sql) {
                    String state = sql.getSQLState();
                    if (state != null && state.startsWith("22")) {
                        return RECORD;
                    }
                    return state != null && state.startsWith("23") ? INTEGRITY : INFRASTRUCTURE;
                }
                if (t.getClass().getName().startsWith("jakarta.transaction.")) {
                    return INFRASTRUCTURE;
                }
            }
            return RECORD;
        }
    }

    /** Backoff of a retry, doubling from 100 ms to 5 s; gives up only when the service stops. */
    private void pause(int attempt, ConsumerRecord<String, byte[]> record) {
        if (stopping) {
            throw new IllegalStateException("stopping before " + where(record) + " could be applied or parked");
        }
        try {
            Thread.sleep(Math.min(5_000L, 100L << Math.min(attempt - 1, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before " + where(record) + " could be applied or parked", e);
        }
    }

    private static String where(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    /** The exception and its causes' messages, e.g. "cannot project event x: ERROR: value too long ...". */
    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            s.append(": ").append(t.getMessage());
        }
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && s.indexOf(c.getMessage()) < 0) {
                s.append(": ").append(c.getMessage());
            }
        }
        return s.toString();
    }

    /** Strict UTF-8 without NUL (which a PostgreSQL text column refuses), or null. */
    private static String text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return s.indexOf('\0') >= 0 ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String noNul(String s) {
        return s == null ? null : s.replace('\0', '\uFFFD');
    }

    private static String shorten(String s) {
        return s == null || s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL - 1) + "\u2026";
    }

    private static Set<String> reasons() {
        Set<String> reasons = new java.util.LinkedHashSet<>();
        for (EventRecords.Refusal r : EventRecords.Refusal.values()) {
            reasons.add(r.wireName());
        }
        reasons.add(APPLY_FAILED);
        return java.util.Collections.unmodifiableSet(reasons);
    }
}
