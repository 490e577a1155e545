package dev.incidents.query.incident;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads that asked for {@code minSequence} wait here without holding a thread: the request registers and returns,
 * one loop reads the positions of every waited-for incident in one statement every few milliseconds, and completes
 * each wait when its incident reached the sequence, or fails it with 504 at its deadline. Positions come from the
 * shared read model, so a wait is served whichever replica projected the event.
 */
@ApplicationScoped
public class SequenceWaits {

    private static final Logger LOG = Logger.getLogger(SequenceWaits.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    /** Longest wait for a minSequence before answering 504 (ARCHITECTURE decision 5). */
    @ConfigProperty(name = "incidents.query.min-sequence-timeout", defaultValue = "PT10S")
    Duration timeout;

    /** Waits open at once on this replica; beyond it a read with minSequence answers 503 (Retry-After: 1). */
    @ConfigProperty(name = "incidents.query.max-sequence-waits", defaultValue = "10000")
    int maxWaits;

    /** Pause between two reads of the positions while anything waits. */
    @ConfigProperty(name = "incidents.query.sequence-wait-poll", defaultValue = "PT0.01S")
    Duration poll;

    private record Wait(
            String tenant, String incidentId, long sequence, long deadlineNanos, CompletableFuture<Void> done) {}

    private final ConcurrentLinkedQueue<Wait> arriving = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Owned by the loop's thread only. */
    private final List<Wait> waiting = new ArrayList<>();

    private WorkLoop loop;

    void start(@Observes StartupEvent ignored) {
        Gauge.builder("incidents_sequence_waits", open, AtomicInteger::get)
                .description("reads waiting for minSequence on this replica")
                .register(registry);
        loop = new WorkLoop("sequence-waits", poll, LOG, this::round);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        loop.stop();
    }

    /**
     * Completes when the tenant's incident has reached {@code sequence}; fails with 504 after the timeout. Another
     * tenant's incident is never reached, so it times out like a missing one.
     */
    public CompletionStage<Void> await(String tenant, String incidentId, long sequence) {
        if (sequence <= 0 || position(tenant, incidentId) >= sequence) {
            return CompletableFuture.completedFuture(null);
        }
        if (open.incrementAndGet() > maxWaits) {
            open.decrementAndGet();
            throw new ProblemException(
                    Problem.of(
                            503,
                            "Too many waiting reads",
                            "this replica already holds " + maxWaits + " reads waiting for minSequence; retry shortly"),
                    1);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.whenComplete((ok, failure) -> open.decrementAndGet());
        arriving.add(new Wait(tenant, incidentId, sequence, System.nanoTime() + timeout.toNanos(), done));
        loop.wakeUp();
        return done;
    }

    /** One round: take new waits, expire the late ones, read every remaining position at once, complete. */
    private boolean round() {
        for (Wait w; (w = arriving.poll()) != null; ) {
            waiting.add(w);
        }
        long now = System.nanoTime();
        waiting.removeIf(w -> {
            if (now - w.deadlineNanos() < 0) {
                return false;
            }
            w.done()
                    .completeExceptionally(new ProblemException(new Problem(
                            "/problems/projection-behind",
                            "Read model not caught up",
                            504,
                            "incident " + w.incidentId() + " has not reached sequence " + w.sequence() + " within "
                                    + timeout.toMillis() + " ms",
                            null,
                            null)));
            return true;
        });
        if (waiting.isEmpty()) {
            return false;
        }
        Map<String, Long> positions;
        try {
            positions = positions();
        } catch (SQLException e) {
            // The waits keep their deadlines; the next round tries again.
            LOG.debugf("cannot read positions for %d waiting reads: %s", waiting.size(), e);
            return false;
        }
        waiting.removeIf(w -> {
            Long at = positions.get(key(w.tenant(), w.incidentId()));
            if (at == null || at < w.sequence()) {
                return false;
            }
            w.done().complete(null);
            return true;
        });
        return false;
    }

    private Map<String, Long> positions() throws SQLException {
        String[] tenants = new String[waiting.size()];
        String[] ids = new String[waiting.size()];
        for (int i = 0; i < ids.length; i++) {
            tenants[i] = waiting.get(i).tenant();
            ids[i] = waiting.get(i).incidentId();
        }
        Map<String, Long> positions = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select v.tenant, v.incident_id, v.last_sequence
                          from incident_view v
                          join unnest(?, ?) as w(tenant, incident_id) using (tenant, incident_id)
                        """)) {
            Array tenantArray = c.createArrayOf("text", tenants);
            Array idArray = c.createArrayOf("text", ids);
            ps.setArray(1, tenantArray);
            ps.setArray(2, idArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(key(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
        }
        return positions;
    }

    long position(String tenant, String incidentId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select last_sequence from incident_view where incident_id = ? and tenant = ?")) {
            ps.setString(1, incidentId);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read position of " + incidentId, e);
        }
    }

    private static String key(String tenant, String incidentId) {
        return tenant + '\u0000' + incidentId;
    }
}
