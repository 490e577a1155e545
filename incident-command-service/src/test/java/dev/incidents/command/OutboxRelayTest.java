package dev.incidents.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.TopicProbe;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The relay publishes whatever the outbox holds, whoever wrote it and in whatever order transactions commit. */
@QuarkusTest
@CommandServiceTest
class OutboxRelayTest {

    @Inject
    AgroalDataSource dataSource;

    private static EventEnvelope declared(String incidentId) {
        OffsetDateTime t = OffsetDateTime.parse("2023-08-07T08:30:00+01:00");
        return EventEnvelope.of(
                UUID.randomUUID(),
                incidentId,
                1,
                t,
                Instant.now(),
                "test",
                "default",
                new IncidentEvent.IncidentDeclared(
                        "Left in the outbox", Severity.SEV3, List.of(), t, t, DetectionSource.INTERNAL, null, false));
    }

    private static void insertOutboxRow(Connection c, EventEnvelope e) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement("insert into outbox (event_id, incident_id, seq, envelope, tenant, type,"
                        + " schema_version, occurred_at, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, e.eventId());
            ps.setString(2, e.incidentId());
            ps.setLong(3, e.sequence());
            ps.setString(4, EventCodec.toJson(e));
            ps.setString(5, e.tenant());
            ps.setString(6, e.type());
            ps.setInt(7, e.schemaVersion());
            ps.setString(8, e.occurredAt().toString());
            ps.setString(9, e.recordedAt().toString());
            ps.executeUpdate();
        }
    }

    @Test
    void rowsLeftByAProcessThatDiedBeforeRelaying_arePublished() throws Exception {
        EventEnvelope e = declared("left-" + UUID.randomUUID());
        try (Connection c = dataSource.getConnection()) {
            insertOutboxRow(c, e);
        }
        var published =
                TopicProbe.await("incident-events", r -> e.incidentId().equals(r.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, published.size());
        assertEquals(e.eventId(), EventCodec.fromJson(published.get(0).value()).eventId());
    }

    @Test
    void aRowThatCommitsAfterAHigherOne_isNotSkipped() throws Exception {
        EventEnvelope slow = declared("slow-" + UUID.randomUUID());
        EventEnvelope fast = declared("fast-" + UUID.randomUUID());
        try (Connection slowTx = dataSource.getConnection();
                Connection fastTx = dataSource.getConnection()) {
            slowTx.setAutoCommit(false);
            insertOutboxRow(slowTx, slow); // takes the lower id, stays in flight
            insertOutboxRow(fastTx, fast); // higher id, committed at once
            assertEquals(
                    1,
                    TopicProbe.await(
                                    "incident-events",
                                    r -> fast.incidentId().equals(r.key()),
                                    1,
                                    Duration.ofSeconds(20))
                            .size());
            slowTx.commit();
        }
        var published =
                TopicProbe.await("incident-events", r -> slow.incidentId().equals(r.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, published.size(), "the relay takes unpublished rows, not rows after the last id it saw");
    }
}
