package dev.incidents.notifier.delivery;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.webhook.TargetGuard;
import dev.incidents.notifier.webhook.WebhookSignature;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries as signed webhooks (Standard Webhooks). A delivery is claimed with a lease (its next
 * attempt pushed past the request timeout), sent outside any transaction, and its outcome recorded: delivered,
 * retrying with exponential backoff and jitter, or dead after the last attempt. A crash mid-send lets the lease
 * expire and the delivery go again with the same {@code webhook-id}, so receivers can drop the repeat.
 *
 * <p>Only the oldest open delivery of each (subscription, incident) is claimed, so one subscriber sees one
 * incident's updates in order, while other incidents and subscribers proceed.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    private static final int BATCH = 50;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    NotifierConfig config;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Semaphore work = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    record Claimed(long id, String url, String eventId, String payload, int attempts) {}

    void start(@Observes StartupEvent ignored) {
        running = true;
        thread = new Thread(this::loop, "webhook-sender");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        wakeUp();
        if (thread != null) {
            thread.join(5_000);
        }
    }

    public void wakeUp() {
        if (work.availablePermits() == 0) {
            work.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                List<Claimed> claimed = QuarkusTransaction.requiringNew().call(this::claim);
                if (claimed.isEmpty()) {
                    work.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    work.drainPermits();
                    continue;
                }
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (Claimed d : claimed) {
                    sends.add(send(d));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("webhook sender failed: %s", e.toString());
                    sleep(1_000);
                }
            }
        }
    }

    List<Claimed> claim() throws SQLException {
        long leaseMillis = config.requestTimeout().toMillis() * 2 + 1_000;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update delivery set next_attempt_at = now() + (? * interval '1 millisecond')"
                        + " where id in (select d.id from delivery d where d.status in ('pending', 'retrying') and d.next_attempt_at <= now()"
                        + " and not exists (select 1 from delivery e where e.subscription_key = d.subscription_key"
                        + " and e.incident_id = d.incident_id and e.id < d.id and e.status in ('pending', 'retrying'))"
                        + " order by d.next_attempt_at limit ? for update skip locked)"
                        + " returning id, target_url, event_id, payload, attempts")) {
            ps.setLong(1, leaseMillis);
            ps.setInt(2, BATCH);
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
                }
            }
            return claimed;
        }
    }

    private CompletableFuture<Void> send(Claimed d) {
        String refused = TargetGuard.refusal(d.url(), config.allowPrivateTargets());
        if (refused != null) {
            // Never called: dead at once, with the reason in the delivery log.
            QuarkusTransaction.requiringNew().run(() -> record(d, null, "target refused: " + refused, 0, true));
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = Instant.now().getEpochSecond();
        String webhookId = "msg_" + d.eventId();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(d.url()))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "incident-tracker-notifier")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(d.payload()));
        config.webhookSecret().ifPresent(secret -> request.header("webhook-signature", WebhookSignature.sign(secret, webhookId, timestamp, d.payload())));
        long t0 = System.nanoTime();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    Integer code = response == null ? null : response.statusCode();
                    String error = failure == null ? null : failure.toString();
                    QuarkusTransaction.requiringNew().run(() -> record(d, code, error, millis, false));
                    return null;
                });
    }

    private void record(Claimed d, Integer code, String error, long millis, boolean refused) {
        int attempt = d.attempts() + 1;
        boolean ok = code != null && code >= 200 && code < 300;
        // 4xx other than 408 and 429 will not change by retrying: straight to the dead letters; so is a refused target.
        boolean permanent = refused || (code != null && code >= 400 && code < 500 && code != 408 && code != 429);
        String status = ok ? "delivered" : (permanent || attempt >= config.maxAttempts() ? "dead" : "retrying");
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("insert into delivery_attempt (delivery_id, attempt, attempted_at, status_code, error, duration_ms)"
                    + " values (?, ?, now(), ?, ?, ?)")) {
                ps.setLong(1, d.id());
                ps.setInt(2, attempt);
                ps.setObject(3, code);
                ps.setString(4, error);
                ps.setLong(5, millis);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update delivery set status = ?, attempts = ?, last_status_code = ?, last_error = ?,"
                    + " next_attempt_at = ?, delivered_at = case when ? then now() else null end where id = ?")) {
                ps.setString(1, status);
                ps.setInt(2, attempt);
                ps.setObject(3, code);
                ps.setString(4, error);
                ps.setTimestamp(5, Timestamp.from(Instant.now().plus(backoff(attempt))));
                ps.setBoolean(6, ok);
                ps.setLong(7, d.id());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record delivery attempt", e);
        }
        if (!ok) {
            LOG.debugf("delivery %d attempt %d to %s failed (%s): %s", d.id(), attempt, d.url(), code, error);
        }
    }

    /** Exponential backoff with full jitter, capped. */
    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
