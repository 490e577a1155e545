package dev.incidents.query.stream;

import dev.incidents.domain.EventCodec;
import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The events this read model applied, in the order it applied them (incident_event.position). One poller per
 * replica reads new rows and hands them to every live stream, so the database sees one query per interval
 * however many dashboards are watching; the rows are in PostgreSQL, so any replica can serve any client.
 */
@ApplicationScoped
public class ChangeFeed {

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);

    /** One applied event, as the stream sends it. */
    public record Change(long position, String tenant, String incidentId, String envelopeJson) {}

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "incidents.stream.poll-interval", defaultValue = "PT0.1S")
    Duration pollInterval;

    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    /** One thread per open stream: a stream mostly waits, and dashboards number in the tens. */
    private final java.util.concurrent.ExecutorService streams =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "sse-stream");
                t.setDaemon(true);
                return t;
            });

    private volatile long last;
    private WorkLoop loop;

    void start(@Observes StartupEvent ignored) {
        last = latestPosition();
        loop = new WorkLoop("change-feed", pollInterval, LOG, this::poll);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        streams.shutdownNow();
        if (loop != null) {
            loop.stop();
        }
    }

    /** Ends the wait for the next poll: this replica's projection just committed changes. */
    public void wakeUp() {
        WorkLoop l = loop;
        if (l != null) {
            l.wakeUp();
        }
    }

    java.util.concurrent.Executor streams() {
        return streams;
    }

    /**
     * A listener hears every change after the feed's mark. The first listener after a quiet spell moves the mark to
     * the head first (nothing is read while nobody listens); a stream replays what it missed itself ({@link #after}).
     */
    public void subscribe(Consumer<Change> listener) {
        synchronized (listeners) {
            if (listeners.isEmpty()) {
                last = Math.max(last, latestPosition());
            }
            listeners.add(listener);
        }
    }

    public void unsubscribe(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /** Changes of a tenant after {@code position}, oldest first, at most {@code limit}. */
    public List<Change> after(String tenant, long position, int limit) {
        return query(
                "select position, tenant, incident_id, envelope from incident_event where tenant = ? and position > ? order by position limit ?",
                tenant,
                position,
                limit);
    }

    public long latestPosition() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select coalesce(max(position), 0) from incident_event");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the change feed", e);
        }
    }

    /**
     * One round: the changes after the last one handed out, to every listener. Gap-free because positions commit in
     * the order they are handed out (the projection's feed-order lock), so nothing can appear below {@code last}
     * later. With nobody listening nothing is read.
     */
    private boolean poll() {
        if (listeners.isEmpty()) {
            return false;
        }
        List<Change> changes = query(
                "select position, tenant, incident_id, envelope from incident_event where position > ? order by position limit 1000",
                null,
                last,
                0);
        for (Change c : changes) {
            for (Consumer<Change> l : listeners) {
                l.accept(c);
            }
            last = c.position();
        }
        return !changes.isEmpty();
    }

    private List<Change> query(String sql, String tenant, long position, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (tenant != null) {
                ps.setString(i++, tenant);
            }
            ps.setLong(i++, position);
            if (limit > 0) {
                ps.setInt(i, limit);
            }
            List<Change> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // Re-encoded: jsonb keeps neither key order nor spacing, and clients deserve the published form.
                    String envelope = EventCodec.toJson(EventCodec.fromJson(rs.getString(4)));
                    out.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3), envelope));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the change feed", e);
        }
    }
}
