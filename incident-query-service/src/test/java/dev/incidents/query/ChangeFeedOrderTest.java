package dev.incidents.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventCodec;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.query.projection.Projector;
import dev.incidents.query.stream.ChangeFeed;
import dev.incidents.support.parking.ParkedRecords.Decoded;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live stream reads {@code position > last}: that is gap-free only if a lower position can never commit after a
 * higher one was read. Here a second writer (another replica's projection, played by a raw connection running the
 * same feed-order lock) holds a lower position open while this replica projects an event: the projection must wait,
 * and the stream must send both, lower first.
 */
@QuarkusTest
@QueryServiceTest
class ChangeFeedOrderTest {

    @Inject
    Projector projector;

    @Inject
    ChangeFeed feed;

    @Inject
    AgroalDataSource dataSource;

    private final Events first = new Events();
    private final Events second = new Events();

    @AfterEach
    void forgetWhatWasNeverPublished() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (String table : List.of("incident_event", "incident_view")) {
                try (PreparedStatement ps =
                        c.prepareStatement("delete from " + table + " where incident_id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("text", new String[] {first.incidentId, second.incidentId}));
                    ps.executeUpdate();
                }
            }
        }
    }

    @Test
    void aPositionCommittedLateIsStillSent_beforeTheOnesAfterIt() throws Exception {
        List<ChangeFeed.Change> heard = new CopyOnWriteArrayList<>();
        Consumer<ChangeFeed.Change> listener = c -> {
            if (c.incidentId().equals(first.incidentId) || c.incidentId().equals(second.incidentId)) {
                heard.add(c);
            }
        };
        feed.subscribe(listener);
        try (Connection otherReplica = dataSource.getConnection()) {
            otherReplica.setAutoCommit(false);
            try (Statement s = otherReplica.createStatement()) {
                s.execute(Projector.FEED_ORDER_LOCK);
            }
            EventEnvelope early = first.declared();
            try (PreparedStatement ps = otherReplica.prepareStatement(
                    "insert into incident_event (incident_id, seq, event_id, type, tenant, occurred_at, recorded_at,"
                            + " envelope) values (?, 1, ?, ?, ?, now(), now(), ?::jsonb)")) {
                ps.setString(1, early.incidentId());
                ps.setObject(2, early.eventId());
                ps.setString(3, early.type());
                ps.setString(4, early.tenant());
                ps.setString(5, EventCodec.toJson(early));
                ps.executeUpdate();
            }

            EventEnvelope late = second.declared();
            CompletableFuture<Void> projected = CompletableFuture.runAsync(
                    () -> projector.applyAll(List.of(new Decoded(late, EventCodec.toJson(late)))));
            Thread.sleep(700);
            assertTrue(heard.isEmpty(), "nothing may be sent while a lower position is in flight: " + heard);
            assertTrue(!projected.isDone(), "the projection waits for the lower position to commit");

            otherReplica.commit();
            projected.get(10, TimeUnit.SECONDS);
        } finally {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (heard.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            feed.unsubscribe(listener);
        }

        assertEquals(2, heard.size(), "both changes are sent: " + heard);
        assertEquals(first.incidentId, heard.get(0).incidentId(), "the lower position first");
        assertEquals(second.incidentId, heard.get(1).incidentId());
        assertTrue(heard.get(0).position() < heard.get(1).position());
    }
}
