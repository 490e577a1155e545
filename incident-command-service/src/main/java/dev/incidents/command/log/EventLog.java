package dev.incidents.command.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.command.store.EventStore;
import dev.incidents.domain.EventChain;
import dev.incidents.domain.EventCodec;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A tenant's event log out of this installation and into another: export streams stored events as CloudEvents, one
 * per line; import appends such lines to the store as they were written (ids, sequences, times and chain hashes
 * kept), so every reader downstream builds the same read models and reports from them.
 *
 * <p>Import is idempotent: an event already stored, unchanged, is counted as present and nothing is written. It
 * refuses, with the line and the reason, an event that would make the log different from the one exported: an id
 * or a position already holding other content, a gap in an incident's sequence, a chain hash that does not follow
 * from the predecessor, another tenant's event, or a line that is not an event at all. Each refusal stands alone:
 * the other lines are still imported (an incident's later events then wait for the refused one, as a gap).
 */
@ApplicationScoped
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);

    /** Lines decided and written per transaction. */
    static final int BATCH = 500;

    /** A line longer than this is refused without being held in memory. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** Refusals listed in an answer; the count covers all of them. */
    static final int MAX_LISTED_REFUSALS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    /** Which events an export takes: the tenant's, recorded in [from, to), of these incidents (empty: all). */
    public record Selection(String tenant, OffsetDateTime from, OffsetDateTime to, List<String> incidentIds) {}

    /** How many events the selection holds now: an export's progress is its lines against this. */
    public long count(Selection s) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from event_store" + where(s))) {
            bind(ps, s);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the export", e);
        }
    }

    /** Writes the selected events in log order, one CloudEvent per line; returns how many. */
    public long export(Selection s, Writer out) throws IOException {
        long written = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor: rows are streamed, not held
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(
                    "select envelope::text from event_store" + where(s) + " order by global_position")) {
                ps.setFetchSize(1000);
                bind(ps, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.write(CloudEventLines.line(rs.getString(1)));
                        out.write('\n');
                        if (++written % 100_000 == 0) {
                            LOG.infof("export for tenant %s: %d events written", s.tenant(), written);
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("the export stopped after " + written + " events", e);
        }
        out.flush();
        return written;
    }

    private static String where(Selection s) {
        StringBuilder w = new StringBuilder(" where tenant = ?");
        if (s.from() != null) {
            w.append(" and recorded_at >= ?");
        }
        if (s.to() != null) {
            w.append(" and recorded_at < ?");
        }
        if (!s.incidentIds().isEmpty()) {
            w.append(" and incident_id = any(?)");
        }
        return w.toString();
    }

    private static void bind(PreparedStatement ps, Selection s) throws SQLException {
        int i = 1;
        ps.setString(i++, s.tenant());
        if (s.from() != null) {
            ps.setTimestamp(i++, Timestamp.from(s.from().toInstant()));
        }
        if (s.to() != null) {
            ps.setTimestamp(i++, Timestamp.from(s.to().toInstant()));
        }
        if (!s.incidentIds().isEmpty()) {
            ps.setArray(
                    i, ps.getConnection().createArrayOf("text", s.incidentIds().toArray()));
        }
    }

    /**
     * What an import did.
     *
     * @param lines non-blank lines read
     * @param imported events appended
     * @param alreadyPresent events this installation already held, unchanged
     * @param refused events (or lines) not imported; the first {@value #MAX_LISTED_REFUSALS} are listed
     */
    public record Report(
            long lines, long imported, long alreadyPresent, long refused, List<Refusal> refusals, boolean complete) {}

    /** One line not imported: where it was, which event it was (as far as it could be read), and why. */
    public record Refusal(long line, String eventId, String incidentId, Long sequence, String reason) {}

    /** Imports NDJSON lines of CloudEvents into the tenant's log; see the class comment for what is refused. */
    public Report importLines(String tenant, InputStream body) throws IOException {
        Totals totals = new Totals();
        List<Candidate> batch = new ArrayList<>(BATCH);
        LineReader lines = new LineReader(body);
        String line;
        while ((line = lines.next()) != null) {
            long number = lines.number();
            if (line.isBlank()) {
                continue;
            }
            totals.lines++;
            if (line == LineReader.TOO_LONG) {
                totals.refuse(new Refusal(number, null, null, null, "longer than " + MAX_LINE_BYTES + " bytes"));
                continue;
            }
            CloudEventLines.Parsed parsed = CloudEventLines.parse(line);
            if (parsed.problem() != null) {
                totals.refuse(new Refusal(number, null, null, null, parsed.problem()));
                continue;
            }
            Candidate candidate = Candidate.of(number, parsed.envelope());
            String problem = candidate.problem(tenant);
            if (problem != null) {
                totals.refuse(candidate.refusal(problem));
                continue;
            }
            batch.add(candidate);
            if (batch.size() == BATCH) {
                write(tenant, batch, totals);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            write(tenant, batch, totals);
        }
        return new Report(
                totals.lines,
                totals.imported,
                totals.alreadyPresent,
                totals.refused,
                totals.refusals.stream()
                        .sorted(java.util.Comparator.comparingLong(Refusal::line))
                        .toList(),
                totals.refused == totals.refusals.size());
    }

    private static final class Totals {
        long lines;
        long imported;
        long alreadyPresent;
        long refused;
        final List<Refusal> refusals = new ArrayList<>();

        void refuse(Refusal r) {
            refused++;
            if (refusals.size() < MAX_LISTED_REFUSALS) {
                refusals.add(r);
            }
        }
    }

    private static final java.util.regex.Pattern LINK = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");

    /** A line that reads as an event envelope, with the fields the store needs taken out of it. */
    private record Candidate(
            long line,
            ObjectNode envelope,
            String eventId,
            String incidentId,
            long sequence,
            String type,
            int schemaVersion,
            String occurredAt,
            String recordedAt,
            String actor,
            String tenant,
            String chainHash) {

        static Candidate of(long line, ObjectNode e) {
            return new Candidate(
                    line,
                    e,
                    text(e, "eventId"),
                    text(e, "incidentId"),
                    e.path("sequence").canConvertToLong() ? e.path("sequence").asLong() : -1,
                    text(e, "type"),
                    e.path("schemaVersion").canConvertToInt()
                            ? e.path("schemaVersion").asInt()
                            : -1,
                    text(e, "occurredAt"),
                    text(e, "recordedAt"),
                    text(e, "actor"),
                    text(e, "tenant"),
                    text(e, EventChain.FIELD));
        }

        private static String text(ObjectNode e, String field) {
            JsonNode n = e.get(field);
            return n != null && n.isTextual() ? n.textValue() : null;
        }

        /** What makes the envelope unusable on its own, before the store is asked; null when nothing. */
        String problem(String callerTenant) {
            if (eventId == null || !uuid(eventId)) {
                return "data.eventId: not a UUID";
            }
            if (incidentId == null || incidentId.isEmpty() || incidentId.length() > 64) {
                return "data.incidentId: missing or longer than 64 characters";
            }
            if (sequence < 1) {
                return "data.sequence: not a positive number";
            }
            JsonNode link = envelope.get(EventChain.FIELD);
            if (link != null
                    && !(link.isTextual() && LINK.matcher(link.textValue()).matches())) {
                return "data.chainHash: not a link (sha256: and 64 hex digits)";
            }
            if (sequence == 1 && !"IncidentDeclared".equals(type)) {
                return "data.type: an incident's first event is its declaration";
            }
            if (!callerTenant.equals(tenant)) {
                return "data.tenant: the event belongs to another tenant than the one importing it";
            }
            try {
                OffsetDateTime.parse(occurredAt);
                Instant.parse(recordedAt);
            } catch (DateTimeParseException | NullPointerException e) {
                return "data.occurredAt, data.recordedAt: not ISO-8601 times";
            }
            try {
                EventCodec.fromTree(envelope); // decodes the tree it has, instead of printing and parsing it again
            } catch (RuntimeException e) {
                return "data: not an event this installation reads: "
                        + CloudEventLines.shown(String.valueOf(e.getMessage()));
            }
            return null;
        }

        private static boolean uuid(String s) {
            try {
                UUID.fromString(s);
                return s.length() == 36;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        Refusal refusal(String reason) {
            return new Refusal(line, eventId, incidentId, sequence < 1 ? null : sequence, reason);
        }

        EventStore.Row row() {
            return new EventStore.Row(
                    eventId,
                    incidentId,
                    sequence,
                    type,
                    schemaVersion,
                    occurredAt,
                    recordedAt,
                    actor,
                    tenant,
                    envelope.toString());
        }
    }

    /**
     * An incident's last stored (or accepted) event: where the next one must follow; {@code importedOnly}: every
     * event of it here came by import.
     */
    private record Head(long sequence, String chainHash, String tenant, boolean importedOnly) {}

    /** A stored event with the same id as a line's. */
    private record Stored(String incidentId, long sequence, String canonical) {}

    /**
     * Decides a batch against the store and appends what it accepts, in one transaction. Another writer taking a
     * position meanwhile (a command on the same incident) fails the insert; the batch is then decided again against
     * what is stored now.
     */
    private void write(String tenant, List<Candidate> batch, Totals totals) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Decided d = decide(c, tenant, batch);
                    if (!d.accepted().isEmpty()) {
                        // History, not news: nobody's request is traced into it.
                        EventStore.insert(
                                c, d.accepted().stream().map(Candidate::row).toList(), true, null);
                    }
                    c.commit();
                    totals.imported += d.accepted().size();
                    totals.alreadyPresent += d.present();
                    d.refusals().forEach(totals::refuse);
                    return;
                } catch (SQLException e) {
                    c.rollback();
                    // Another writer took a position (unique violation), or two imports crossed (deadlock).
                    boolean race = "23505".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                    if (!race || attempt == 3) {
                        throw e;
                    }
                }
            } catch (SQLException e) {
                throw new IOException(
                        "the import stopped at line " + batch.get(0).line(), e);
            }
        }
    }

    private record Decided(List<Candidate> accepted, long present, List<Refusal> refusals) {}

    private static Decided decide(Connection c, String tenant, List<Candidate> batch) throws SQLException {
        Map<String, Stored> stored = storedById(c, batch);
        Map<String, Head> heads = heads(c, batch);
        Map<String, String> acceptedHere = new HashMap<>(); // event id -> canonical, for a line repeated in the file
        List<Candidate> accepted = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        long present = 0;
        for (Candidate k : batch) {
            String canonical = EventChain.canonical(k.envelope());
            Stored same = stored.get(k.eventId());
            String earlier = acceptedHere.get(k.eventId());
            if (same != null || earlier != null) {
                boolean identical = same != null
                        ? same.incidentId().equals(k.incidentId())
                                && same.sequence() == k.sequence()
                                && same.canonical().equals(canonical)
                        : earlier.equals(canonical);
                if (identical) {
                    present++;
                } else {
                    refusals.add(k.refusal("eventId: an event with this id is already stored with other content"));
                }
                continue;
            }
            Head head = heads.getOrDefault(k.incidentId(), new Head(0, null, tenant, true));
            if (!tenant.equals(head.tenant())) {
                refusals.add(k.refusal("incidentId: already taken in this installation"));
                continue;
            }
            if (!head.importedOnly()) {
                // Its history here was written here: an import must not add to it in someone else's name.
                refusals.add(k.refusal("incidentId: this installation has written events of this incident itself;"
                        + " an import only adds to incidents it brought"));
                continue;
            }
            if (k.sequence() <= head.sequence()) {
                refusals.add(k.refusal("sequence: this incident already has another event at " + k.sequence()));
                continue;
            }
            if (k.sequence() > head.sequence() + 1) {
                refusals.add(k.refusal("sequence: the incident's event " + (head.sequence() + 1)
                        + " is in neither this installation nor the lines before"));
                continue;
            }
            String link = null;
            if (k.chainHash() != null) {
                link = EventChain.link(head.chainHash(), k.envelope());
                if (!link.equals(k.chainHash())) {
                    refusals.add(k.refusal("chainHash: does not follow from the event's content and its"
                            + " predecessor's hash: the event or an earlier one was altered"));
                    continue;
                }
            } else if (head.chainHash() != null) {
                refusals.add(k.refusal("chainHash: missing, though the incident's earlier events have one"));
                continue;
            }
            heads.put(k.incidentId(), new Head(k.sequence(), link, tenant, true));
            acceptedHere.put(k.eventId(), canonical);
            accepted.add(k);
        }
        return new Decided(accepted, present, refusals);
    }

    private static Map<String, Stored> storedById(Connection c, List<Candidate> batch) throws SQLException {
        Map<String, Stored> stored = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select event_id::text, incident_id, seq, envelope::text from event_store where event_id = any(?::uuid[])")) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text", batch.stream().map(Candidate::eventId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(
                            rs.getString(1), new Stored(rs.getString(2), rs.getLong(3), canonicalOf(rs.getString(4))));
                }
            }
        }
        return stored;
    }

    private static String canonicalOf(String storedJson) {
        try {
            return EventChain.canonical(JSON.readTree(storedJson));
        } catch (JsonProcessingException e) {
            return "(unreadable: " + e.getOriginalMessage() + ")"; // then it cannot equal a line's
        }
    }

    private static Map<String, Head> heads(Connection c, List<Candidate> batch) throws SQLException {
        Map<String, Head> heads = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select h.incident_id, h.seq, h.envelope ->> 'chainHash', h.tenant,
                       (select bool_and(x.imported) from event_store x where x.incident_id = h.incident_id)
                  from (select distinct on (incident_id) incident_id, seq, envelope, tenant
                          from event_store where incident_id = any(?)
                         order by incident_id, seq desc) h
                """)) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text",
                            batch.stream().map(Candidate::incidentId).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.put(
                            rs.getString(1),
                            new Head(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
        }
        return heads;
    }

    /** Reads lines of UTF-8 without holding one longer than {@link #MAX_LINE_BYTES}. */
    static final class LineReader {
        /** Returned (by identity) for a line that was too long and skipped. */
        static final String TOO_LONG = new String("(too long)");

        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private long number;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The number of the line last returned, from 1. */
        long number() {
            return number;
        }

        String next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                any = true;
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (!tooLong) {
                    if (line.size() + (position - start) > MAX_LINE_BYTES) {
                        tooLong = true;
                        line.reset();
                    } else {
                        line.write(buffer, start, position - start);
                    }
                }
                if (position < limit) {
                    position++; // the newline
                    break;
                }
            }
            number++;
            if (tooLong) {
                return TOO_LONG;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
