package dev.incidents.query.status;

import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a tenant tells the public: the incidents a person posted a public status update on, with those updates only.
 * An incident nobody posted a public update on does not exist for the public, nor does an internal update. Nor does
 * anything written for responders: an incident is named by the services it affects, not by its (internal) title; its
 * impact is told, not its severity; and it is known by an opaque public id, not its incident id.
 *
 * <p>A "public service" is a service named by such an incident in the window: its state is the worst open public
 * incident's severity (SEV1 major outage, SEV2 partial outage, SEV3 and SEV4 degraded), else operational.
 *
 * <p>The read is bounded whatever the tenant's history: at most {@value #MAX_INCIDENTS} incidents (open ones first,
 * then the newest), each with its last {@value #MAX_UPDATES} public updates.
 */
@ApplicationScoped
public class PublicStatus {

    /** How far back the history goes. */
    public static final Duration WINDOW = Duration.ofDays(90);

    /** At most this many incidents: the page stays small whatever the tenant's history. */
    static final int MAX_INCIDENTS = 200;

    /** At most this many public updates per incident, the newest. */
    static final int MAX_UPDATES = 20;

    public record Update(OffsetDateTime postedAt, String status, String message) {}

    public record PublicIncident(
            String publicId,
            String name,
            IncidentStatus status,
            String impact,
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

    private static final String PUBLIC_UPDATE = "e.tenant = v.tenant and e.incident_id = v.incident_id"
            + " and e.type = 'StatusUpdatePosted' and e.envelope->'data'->>'audiencePublic' = 'true'";

    private static final String READ = "with shown as ("
            + " select v.tenant, v.incident_id, v.status, v.severity, v.services, v.started_at, v.resolved_at,"
            + " v.status in ('triggered', 'acknowledged', 'mitigated') as open"
            + " from incident_view v where v.tenant = ?"
            + " and exists (select 1 from incident_event e where " + PUBLIC_UPDATE + ")"
            + " and (v.status in ('triggered', 'acknowledged', 'mitigated') or v.started_at >= ? or v.resolved_at >= ?"
            + " or exists (select 1 from incident_event e where " + PUBLIC_UPDATE + " and e.occurred_at >= ?))"
            + " order by open desc, v.started_at desc, v.incident_id desc limit " + MAX_INCIDENTS + ")"
            + " select v.incident_id, v.status, v.severity, v.services, v.started_at, v.resolved_at,"
            + " u.occurred_at, u.status, u.message from shown v cross join lateral ("
            + " select e.occurred_at, e.envelope->'data'->>'status' as status, e.envelope->'data'->>'message' as message"
            + " from incident_event e where " + PUBLIC_UPDATE
            + " order by e.occurred_at desc, e.seq desc limit " + MAX_UPDATES + ") u"
            + " order by v.open desc, v.started_at desc, v.incident_id desc, u.occurred_at desc";

    public Page read(String tenant) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime since = now.minus(WINDOW);
        Map<String, PublicIncident> incidents = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setString(1, tenant);
            ps.setObject(2, since);
            ps.setObject(3, since);
            ps.setObject(4, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    PublicIncident incident = incidents.get(id);
                    if (incident == null) {
                        List<String> services =
                                Arrays.asList((String[]) rs.getArray(4).getArray());
                        incident = new PublicIncident(
                                publicId(tenant, id),
                                name(services),
                                IncidentStatus.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                                state(Severity.valueOf(rs.getString(3))),
                                services,
                                utc(rs.getObject(5, OffsetDateTime.class)),
                                utc(rs.getObject(6, OffsetDateTime.class)),
                                new ArrayList<>());
                        incidents.put(id, incident);
                    }
                    incident.updates()
                            .add(new Update(
                                    utc(rs.getObject(7, OffsetDateTime.class)), rs.getString(8), rs.getString(9)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the public status of a tenant", e);
        }
        return new Page(
                tenant, now, (int) WINDOW.toDays(), services(incidents.values()), List.copyOf(incidents.values()));
    }

    /** The incident's id for the public: stable, and telling nothing of the incident id it is made from. */
    public static String publicId(String tenant, String incidentId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("public-status:" + tenant + ":" + incidentId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public name of an incident: the services it affects (its title is written for responders). */
    static String name(List<String> services) {
        return services.isEmpty() ? "Incident" : "Incident affecting " + String.join(", ", services);
    }

    /** Each public service once, by name, with the state its worst open public incident gives it. */
    static List<ServiceState> services(Iterable<PublicIncident> incidents) {
        Map<String, String> worstOpen = new TreeMap<>();
        Map<String, Boolean> named = new TreeMap<>();
        for (PublicIncident i : incidents) {
            boolean open = i.status() != IncidentStatus.RESOLVED && i.status() != IncidentStatus.CLOSED;
            for (String service : i.services()) {
                named.put(service, true);
                if (open) {
                    worstOpen.merge(service, i.impact(), (a, b) -> IMPACTS.indexOf(a) <= IMPACTS.indexOf(b) ? a : b);
                }
            }
        }
        List<ServiceState> out = new ArrayList<>();
        for (String service : named.keySet()) {
            out.add(new ServiceState(service, worstOpen.getOrDefault(service, "operational")));
        }
        return out;
    }

    /** Impacts, worst first. */
    private static final List<String> IMPACTS = List.of("major_outage", "partial_outage", "degraded");

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
