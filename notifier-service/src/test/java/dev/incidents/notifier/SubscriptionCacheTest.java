package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Severity;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Planning matches events against subscriptions kept in memory. A change made anywhere else (another replica's API,
 * an operator's SQL) must be seen at the next poll: here the change is made in SQL, behind this replica's back.
 */
@QuarkusTest
@NotifierServiceTest
class SubscriptionCacheTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aSubscriptionDisabledBehindThisReplicasBack_getsNothingFromTheNextEvent() throws Exception {
        Api api = new Api();
        String id = api.subscribe("webhook", TestEndpoints.receiver.url("/cache-" + UUID.randomUUID()))
                .getString("id");
        Stream incident = new Stream(api.tenant);
        EventEnvelope declared = incident.declare("Login returns 500", Severity.SEV1, "auth");
        api.awaitDeliveries(id, ds -> ds.size() >= 1, Duration.ofSeconds(30));

        execute("update subscription set status = 'disabled', status_reason = 'by hand' where id = '" + id + "'");
        EventEnvelope acknowledged = incident.acknowledge();
        awaitPlanned(incident.incidentId, acknowledged.sequence());

        List<Map<String, Object>> got = api.deliveries(id);
        assertEquals(
                List.of(declared.eventId().toString()),
                got.stream().map(d -> (String) d.get("eventId")).toList(),
                "the acknowledgement was planned after the subscription was disabled: nothing for it");

        execute("update subscription set status = 'active', status_reason = null where id = '" + id + "'");
        EventEnvelope resolved = incident.resolve();
        List<Map<String, Object>> after = api.awaitDeliveries(id, ds -> ds.size() >= 2, Duration.ofSeconds(30));
        assertEquals(resolved.eventId().toString(), after.get(after.size() - 1).get("eventId"), "active again: seen");
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    /** Waits until the notifier has planned the incident up to {@code seq}. */
    private void awaitPlanned(String incidentId, long seq) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("select last_sequence from consumer_position where incident_id = ?")) {
                ps.setString(1, incidentId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= seq) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never planned " + incidentId + " up to " + seq);
    }
}
