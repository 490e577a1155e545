package dev.incidents.query.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.Severity;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FoldedIncidentsTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2023-08-07T08:30:00+01:00");

    /** Collects the synchronizations a projection registers, so the test decides how its transaction ends. */
    private static final class Transaction implements TransactionSynchronizationRegistry {
        final List<Synchronization> synchronizations = new ArrayList<>();

        void end(int status) {
            synchronizations.forEach(s -> s.afterCompletion(status));
            synchronizations.clear();
        }

        public void registerInterposedSynchronization(Synchronization sync) {
            synchronizations.add(sync);
        }

        public Object getTransactionKey() {
            return this;
        }

        public void putResource(Object key, Object value) {}

        public Object getResource(Object key) {
            return null;
        }

        public int getTransactionStatus() {
            return Status.STATUS_ACTIVE;
        }

        public void setRollbackOnly() {}

        public boolean getRollbackOnly() {
            return false;
        }
    }

    private static Incident declared(String id) {
        return (Incident) IncidentFold.fold(
                id,
                List.of(EventEnvelope.of(
                        UUID.randomUUID(),
                        id,
                        1,
                        AT,
                        Instant.now(),
                        "ada",
                        "default",
                        new IncidentEvent.IncidentDeclared(
                                "Login returns 500",
                                Severity.SEV1,
                                List.of("auth"),
                                AT,
                                AT,
                                DetectionSource.MONITORING,
                                null,
                                false))));
    }

    @Test
    void aStateIsRemembered_onlyOnceCommitted_andUsedOnlyAtItsPosition() {
        FoldedIncidents folded = new FoldedIncidents(10);
        Transaction tx = new Transaction();
        Incident one = declared("i-1");

        folded.putOnCommit(tx, Projector.Tables.LIVE, one);
        assertNull(folded.get(Projector.Tables.LIVE, "i-1", 1), "not before the commit");
        tx.end(Status.STATUS_COMMITTED);
        assertSame(one, folded.get(Projector.Tables.LIVE, "i-1", 1));
        assertNull(folded.get(Projector.Tables.LIVE, "i-1", 2), "the table moved on (another replica): fold again");
        assertNull(folded.get(Projector.Tables.REBUILD, "i-1", 1), "another set of tables");

        folded.putOnCommit(tx, Projector.Tables.LIVE, one);
        tx.end(Status.STATUS_ROLLEDBACK);
        assertNull(folded.get(Projector.Tables.LIVE, "i-1", 1), "a rolled-back projection forgets the incident");
    }

    @Test
    void theLeastRecentlyUsed_isForgottenFirst() {
        FoldedIncidents folded = new FoldedIncidents(2);
        Transaction tx = new Transaction();
        for (String id : List.of("a", "b")) {
            folded.putOnCommit(tx, Projector.Tables.LIVE, declared(id));
        }
        tx.end(Status.STATUS_COMMITTED);
        folded.get(Projector.Tables.LIVE, "a", 1); // a is used, b is not
        folded.putOnCommit(tx, Projector.Tables.LIVE, declared("c"));
        tx.end(Status.STATUS_COMMITTED);
        assertEquals(2, folded.size());
        assertNull(folded.get(Projector.Tables.LIVE, "b", 1));
        assertEquals("a", folded.get(Projector.Tables.LIVE, "a", 1).incidentId());
        folded.clear();
        assertEquals(0, folded.size());
    }
}
