package dev.incidents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.Incident.Alert;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The fold shares one buffer between an incident's versions so that a step does not copy what grows with the
 * incident. These are the promises that sharing must keep: every version stays exactly what a fresh fold of its
 * own events gives, however the versions after it (or beside it) grew.
 */
class PersistentStateTest {

    private static final OffsetDateTime T0 = DeciderTest.T0;

    private static IncidentEvent.AlertFired fired(String key) {
        return new IncidentEvent.AlertFired(
                "alertmanager",
                key,
                "Alert " + key,
                Severity.SEV2,
                "api",
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                List.of());
    }

    private static TestStream storm(int alerts) {
        TestStream s = new TestStream().ok(DeciderTest.declare(), T0);
        for (int i = 0; i < alerts; i++) {
            s.append(fired("k" + i), T0.plusSeconds(i + 1));
        }
        return s;
    }

    @Test
    void anOlderVersion_staysWhatItWas_whileNewerOnesGrowAndChangeItsAlerts() {
        TestStream s = storm(1_000);
        Incident before = s.incident();
        s.append(new IncidentEvent.AlertResolved("alertmanager", "k7"), T0.plusSeconds(2_000));
        for (int i = 1_000; i < 1_500; i++) {
            s.append(fired("k" + i), T0.plusSeconds(2_000 + i));
        }

        assertTrue(before.alerts().get("k7").firing(), "a later AlertResolved must not show in the earlier version");
        assertNull(before.alerts().get("k1200"), "nor an alert fired later");
        assertEquals(1_000, before.alerts().size());
        assertEquals(1_000, before.firingAlerts());
        assertEquals(IncidentFold.fold(s.incidentId, s.events.subList(0, (int) before.sequence())), before);

        Incident after = s.incident();
        assertFalse(after.alerts().get("k7").firing());
        assertEquals(1_500, after.alerts().size());
        assertEquals(1_499, after.firingAlerts());
        assertEquals(IncidentFold.fold(s.incidentId, s.events), after, "the same as a fold from scratch");
    }

    @Test
    void aBranchFromAnOlderVersion_neitherSeesNorDisturbsTheNewerOne() {
        TestStream s = storm(100);
        Incident base = s.incident();
        s.append(fired("newer"), T0.plusSeconds(500));
        Incident newer = s.incident();

        // A second writer decided on the older state (a stale replica's view, a retried batch).
        EventEnvelope other = EventEnvelope.of(
                java.util.UUID.randomUUID(),
                s.incidentId,
                base.sequence() + 1,
                T0.plusSeconds(600),
                java.time.Instant.parse("2030-01-01T00:00:00Z"),
                "tester",
                "acme",
                fired("branch"));
        Incident branch = (Incident) IncidentFold.evolve(base, other);

        assertNotNull(branch.alerts().get("branch"));
        assertNull(branch.alerts().get("newer"));
        assertNull(newer.alerts().get("branch"));
        assertEquals(base.timeline().size() + 1, branch.timeline().size());
        assertEquals(base.timeline().size() + 1, newer.timeline().size());
        assertEquals(
                "Alert firing: Alert branch",
                branch.timeline().get(branch.timeline().size() - 1).text());
        assertEquals(
                "Alert firing: Alert newer",
                newer.timeline().get(newer.timeline().size() - 1).text());
        assertEquals(
                List.copyOf(base.alerts().keySet()),
                List.copyOf(branch.alerts().keySet()).subList(0, 100));
    }

    @Test
    void theTimeline_readsInTheOrderThingsHappened_evenWhenWrittenLater() {
        TestStream s = storm(3);
        s.append(
                new IncidentEvent.TimelineEntryAdded(TimelineKind.OBSERVATION, "backdated", "ada"),
                T0.minusSeconds(60));

        List<Incident.TimelineEntry> t = s.incident().timeline();
        assertEquals("backdated", t.get(0).text(), "a backdated entry goes first, though written last");
        for (int i = 1; i < t.size(); i++) {
            assertFalse(t.get(i - 1).occurredAt().isAfter(t.get(i).occurredAt()), "in time order at " + i);
        }
        assertThrows(UnsupportedOperationException.class, () -> t.add(t.get(0)), "the state is immutable");
        assertThrows(
                UnsupportedOperationException.class, () -> s.incident().alerts().remove("k1"));
    }

    @Test
    void writersRacingOnTheSameVersion_eachGetTheirOwnConsistentNextVersion() throws Exception {
        Incident base = storm(50).incident();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Incident>> next = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String key = "racer" + w;
                Callable<Incident> step = () -> {
                    Incident i = base;
                    for (int n = 0; n < 200; n++) {
                        i = (Incident) IncidentFold.evolve(
                                i,
                                EventEnvelope.of(
                                        java.util.UUID.randomUUID(),
                                        base.incidentId(),
                                        i.sequence() + 1,
                                        T0.plusSeconds(100 + n),
                                        java.time.Instant.parse("2030-01-01T00:00:00Z"),
                                        "tester",
                                        "acme",
                                        fired(key + "-" + n)));
                    }
                    return i;
                };
                next.add(pool.submit(step));
            }
            for (int w = 0; w < 4; w++) {
                Incident i = next.get(w).get();
                assertEquals(250, i.alerts().size());
                for (Alert a : i.alerts().values()) {
                    assertTrue(
                            a.alertKey().startsWith("k") || a.alertKey().startsWith("racer" + w + "-"), a.alertKey());
                }
                assertEquals(base.timeline().size() + 200, i.timeline().size());
            }
            assertEquals(50, base.alerts().size(), "the shared starting point is untouched");
        } finally {
            pool.shutdownNow();
        }
    }
}
