package dev.incidents.query.status;

import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a tenant tells the public: the incidents a person posted a public status update on, with those updates only.
 * An incident nobody posted a public update on does not exist for the public, nor does an internal update.
 *
 * <p>A "public service" is a service named by such an incident in the window: its state is the worst open public
 * incident's severity (SEV1 major outage, SEV2 partial outage, SEV3 and SEV4 degraded), else operational.
 */
@ApplicationScoped
public class PublicStatus {

    /** How far back the history goes. */
    public static final Duration WINDOW = Duration.ofDays(90);

    /** At most this many incidents, newest first: the page stays small whatever the tenant's history. */
    static final int MAX_INCIDENTS = 200;

    public record Update(OffsetDateTime postedAt, String status, String message) {}

    public record PublicIncident(
            String incidentId,
            String title,
            IncidentStatus status,
            Severity severity,
            List<String> services,
            OffsetDateTime startedAt,
            OffsetDateTime resolvedAt,
            List<Update> updates) {}

    public record ServiceState(String name, String state) {}

    public record Page(
            String tenant,
            OffsetDateTime generatedAt,
            int windowDays,
            List<ServiceState> services,
            List<PublicIncident> incidents) {}

    @Inject
    AgroalDataSource dataSource;

    public Page read(String tenant) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime since = now.minus(WINDOW);
        String sql = "select v.incident_id, v.title, v.status, v.severity, v.services, v.started_at, v.resolved_at,"
                + " e.occurred_at, e.envelope->'data'->>'status', e.envelope->'data'->>'message'"
                + " from incident_view v join incident_event e on e.incident_id = v.incident_id"
                + " where v.tenant = ? and e.tenant = ? and e.type = 'StatusUpdatePosted'"
                + " and e.envelope->'data'->>'audiencePublic' = 'true'"
                + " and (v.status in ('triggered', 'acknowledged', 'mitigated') or v.started_at >= ?"
                + " or v.resolved_at >= ? or e.occurred_at >= ?)"
                + " order by v.started_at desc, v.incident_id desc, e.occurred_at desc, e.seq desc";
        Map<String, PublicIncident> incidents = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, tenant);
            ps.setObject(3, since);
            ps.setObject(4, since);
            ps.setObject(5, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    PublicIncident incident = incidents.get(id);
                    if (incident == null) {
                        if (incidents.size() == MAX_INCIDENTS) {
                            break;
                        }
                        incident = new PublicIncident(
                                id,
                                rs.getString(2),
                                IncidentStatus.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                                Severity.valueOf(rs.getString(4)),
                                Arrays.asList((String[]) rs.getArray(5).getArray()),
                                utc(rs.getObject(6, OffsetDateTime.class)),
                                utc(rs.getObject(7, OffsetDateTime.class)),
                                new ArrayList<>());
                        incidents.put(id, incident);
                    }
                    incident.updates()
                            .add(new Update(
                                    utc(rs.getObject(8, OffsetDateTime.class)), rs.getString(9), rs.getString(10)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the public status of a tenant", e);
        }
        return new Page(
                tenant, now, (int) WINDOW.toDays(), services(incidents.values()), List.copyOf(incidents.values()));
    }

    /** Each public service once, by name, with the state its worst open public incident gives it. */
    static List<ServiceState> services(Iterable<PublicIncident> incidents) {
        Map<String, Severity> worstOpen = new TreeMap<>();
        Map<String, Boolean> named = new TreeMap<>();
        for (PublicIncident i : incidents) {
            boolean open = i.status() != IncidentStatus.RESOLVED && i.status() != IncidentStatus.CLOSED;
            for (String service : i.services()) {
                named.put(service, true);
                if (open) {
                    worstOpen.merge(service, i.severity(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
        }
        List<ServiceState> out = new ArrayList<>();
        for (String service : named.keySet()) {
            Severity worst = worstOpen.get(service);
            out.add(new ServiceState(service, worst == null ? "operational" : state(worst)));
        }
        return out;
    }

    private static String state(Severity s) {
        return switch (s) {
            case SEV1 -> "major_outage";
            case SEV2 -> "partial_outage";
            case SEV3, SEV4 -> "degraded";
        };
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
