package dev.incidents.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.support.problem.DatabaseUnavailable;
import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Which failures mean "the database cannot be reached now" (503), as the transaction manager reports them. */
class DatabaseUnavailableTest {

    @Test
    void aCommitThatFailedOnABrokenConnection_isReportedAsSuppressed_andCounts() {
        var commit = new RollbackException("ARJUNA016053: Could not commit transaction.");
        var xa = new javax.transaction.xa.XAException("Error trying to transactionCommit local transaction");
        xa.initCause(
                new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE));
        commit.addSuppressed(xa);
        assertTrue(DatabaseUnavailable.causes(new IllegalStateException("wrapped", commit)));
    }

    @Test
    void aCommitThatFailedForAnotherReason_doesNot() {
        var commit = new RollbackException("ARJUNA016053: Could not commit transaction.");
        commit.addSuppressed(new PSQLException("duplicate key value", PSQLState.UNIQUE_VIOLATION));
        assertFalse(DatabaseUnavailable.causes(commit));
    }
}
