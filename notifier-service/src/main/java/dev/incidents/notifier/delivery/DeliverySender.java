package dev.incidents.notifier.delivery;

import dev.incidents.notifier.NotifierConfig;
import dev.incidents.notifier.webhook.SecretCipher;
import dev.incidents.support.tracing.RecordSpans;
import dev.incidents.support.tracing.TraceParents;
import dev.incidents.support.work.WorkLoop;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries and records what became of them. A delivery is claimed with a lease ({@code leased_until}
 * past the request timeout), sent outside any transaction, and its outcome recorded: delivered, retrying
 * with exponential backoff and jitter (or after the target's Retry-After), or dead after the last attempt. A crash
 * mid-send lets the lease expire and the delivery go again with the same {@code webhook-id}, so receivers can
 * drop the repeat; a restarted notifier simply continues the retries it finds in the table.
 *
 * <p>Only the oldest open delivery of each (subscription, incident) is claimed, so one subscriber sees one
 * incident's updates in order. Sends are asynchronous and bounded twice: in total, and per subscription, so a
 * slow or dead endpoint holds only its own few slots while every other subscriber keeps getting updates.
 */
@ApplicationScoped
public class DeliverySender {

    private static final Logger LOG = Logger.getLogger(DeliverySender.class);
    /**
     * The claim reads only what is due: queue heads whose attempt time has come (a queue's later deliveries wait at
     * 'infinity' until the one ahead ends, see {@link DeliveryQueues}), oldest first from the due index, skipping
     * subscriptions whose slots are all in flight. Of that window each subscription gets as many as it has free slots
     * (its in-flight count comes in as a parameter), and the oldest of those, up to the free slots in total, are
     * leased ({@code leased_until} past the call's timeout, a column in no index, so the row is rewritten in place)
     * under row locks that other replicas skip. A round's cost
     * grows with what it claims, not with the number of subscribers that have something open: with 1,000 of them the
     * previous claim, which visited each subscription for its heads, cost 356 ms a round.
     *
     * <p>The locked rows are found by primary key and their conditions checked again (another replica may have
     * leased one meanwhile), written so that no index competes with the key; "nothing older of its queue open" is
     * checked there too, so order never depends on the waiting rows being where they should be.
     */
    private static final String CLAIM = """
            with busy (subscription_key, in_flight) as (
                select * from unnest(?::text[], ?::int[])
            ),
            due as (
                select d.id, d.subscription_key, d.next_attempt_at from delivery d
                where d.status in ('pending', 'retrying') and d.next_attempt_at <= now()
                  and (d.leased_until is null or d.leased_until <= now())
                  and d.subscription_key <> all (array(select subscription_key from busy where in_flight >= ?))
                order by d.next_attempt_at, d.id
                limit ?
            ),
            slotted as (
                select due.id, due.next_attempt_at,
                    coalesce(b.in_flight, 0)
                        + row_number() over (partition by due.subscription_key order by due.next_attempt_at, due.id)
                        as slot
                from due left join busy b on b.subscription_key = due.subscription_key
            ),
            picked as (
                select d.id from delivery d
                where d.id = any (array(select id from slotted where slot <= ? order by next_attempt_at, id limit ?))
                  and d.status in ('pending', 'retrying') and coalesce(d.next_attempt_at, 'infinity') <= now()
                  and (d.leased_until is null or d.leased_until <= now())
                  and not exists (
                      select 1 from delivery earlier
                      where earlier.subscription_key = d.subscription_key and earlier.incident_id = d.incident_id
                        and earlier.id < d.id and earlier.status in ('pending', 'retrying'))
                for update skip locked
            )
            update delivery d set leased_until = now() + (? * interval '1 millisecond')
            from picked where d.id = picked.id
            returning d.id, d.subscription_key, d.subscription_id, d.channel, d.target_url, d.event_id,
                (select p.body from delivery_payload p where p.id = d.payload_id),
                d.attempts, d.attempt_base,
                (select s.secret from subscription s where s.id = d.subscription_id),
                (select s.status from subscription s where s.id = d.subscription_id), d.incident_id, d.traceparent
            """;

    /** How many due rows a claim reads per free slot: room for subscriptions that have more due than slots. */
    private static final int WINDOW_PER_SLOT = 4;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Tracer tracer;

    @Inject
    NotifierConfig config;

    @Inject
    SecretCipher cipher;

    @Inject
    HttpChannel httpChannel;

    @Inject
    EmailChannel emailChannel;

    @Inject
    MeterRegistry metrics;

    private final Map<String, AtomicInteger> inFlightBySubscription = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** An attempt that ended, waiting to be recorded with the others that ended meanwhile. */
    private record Ended(Claimed delivery, Outcome outcome, long millis, AtomicInteger slots) {}

    /** Outcomes queue here, off the HTTP client's and mailer's threads; the recorder writes them in one transaction. */
    private final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();

    private WorkLoop loop;
    private WorkLoop recorder;

    private volatile long lastSweep = System.nanoTime();

    void start(@Observes StartupEvent ignored) {
        recorder = new WorkLoop("delivery-recorder", Duration.ofSeconds(1), LOG, this::recordEnded);
        recorder.start();
        loop = new WorkLoop("delivery-sender", config.pollInterval(), LOG, this::sendDue);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
        // Let attempts under way record their outcome; anything left runs again when its lease expires.
        long deadline =
                System.nanoTime() + config.requestTimeout().plusSeconds(1).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (recorder != null) {
            recorder.stop();
        }
    }

    public void wakeUp() {
        if (loop != null) {
            loop.wakeUp();
        }
    }

    /** One round: claim what the free slots allow and start sending it; true when something was claimed. */
    private boolean sendDue() throws Exception {
        if (System.nanoTime() - lastSweep > config.sweepInterval().toNanos()) {
            lastSweep = System.nanoTime();
            int promoted = QuarkusTransaction.requiringNew().call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return DeliveryQueues.promoteStranded(c);
                }
            });
            if (promoted > 0) {
                LOG.infof("%d deliveries were waiting behind deliveries that had ended; now due", promoted);
            }
        }
        int room = config.maxInFlight() - inFlight.get();
        if (room <= 0) {
            return false; // a completing send wakes the loop
        }
        List<Claimed> claimed = QuarkusTransaction.requiringNew().call(() -> claim(room));
        claimed.forEach(this::dispatch);
        return !claimed.isEmpty();
    }

    /** Leases up to {@code limit} due deliveries, at most the free per-subscription slots of each subscription. */
    List<Claimed> claim(int limit) throws SQLException {
        List<String> busyKeys = new ArrayList<>();
        List<Integer> busyCounts = new ArrayList<>();
        inFlightBySubscription.forEach((key, count) -> {
            int n = count.get();
            if (n > 0) {
                busyKeys.add(key);
                busyCounts.add(n);
            }
        });
        long leaseMillis = config.requestTimeout().toMillis() * 2 + 1_000;
        try (Connection c = dataSource.getConnection()) {
            // One generic plan per connection, not one per round: planning the claim cost more than running it (13-47
            // ms against 2 ms under load), and its plan does not depend on the parameters.
            try (Statement s = c.createStatement()) {
                s.execute("set local plan_cache_mode = force_generic_plan");
            }
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                int perSubscription = config.maxInFlightPerSubscription();
                ps.setArray(1, c.createArrayOf("text", busyKeys.toArray()));
                ps.setArray(2, c.createArrayOf("int4", busyCounts.toArray()));
                ps.setInt(3, perSubscription);
                ps.setInt(4, limit * WINDOW_PER_SLOT);
                ps.setInt(5, perSubscription);
                ps.setInt(6, limit);
                ps.setLong(7, leaseMillis);
                List<Claimed> claimed = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(claimed(rs));
                    }
                }
                return claimed;
            }
        }
    }

    private Claimed claimed(ResultSet rs) throws SQLException {
        UUID subscriptionId = rs.getObject(3, UUID.class);
        String secret = subscriptionId == null
                ? config.webhookSecret().orElse(null)
                : cipher.decrypt(subscriptionId, rs.getString(10));
        return new Claimed(
                rs.getLong(1),
                rs.getString(2),
                subscriptionId,
                rs.getString(4),
                rs.getString(5),
                rs.getObject(6, UUID.class),
                rs.getString(7),
                rs.getInt(8),
                rs.getInt(9),
                secret,
                rs.getString(11),
                rs.getString(12),
                rs.getString(13));
    }

    private void dispatch(Claimed d) {
        if (d.subscriptionStatus() != null && !d.subscriptionStatus().equals("active")) {
            // Deleted or disabled since the delivery was planned: it ends here, without a call.
            DeliveryStatus status =
                    d.subscriptionStatus().equals("deleted") ? DeliveryStatus.CANCELLED : DeliveryStatus.DEAD;
            QuarkusTransaction.requiringNew().run(() -> close(d, status, "subscription " + d.subscriptionStatus()));
            return;
        }
        AtomicInteger mine = inFlightBySubscription.computeIfAbsent(d.subscriptionKey(), k -> new AtomicInteger());
        if (mine.incrementAndGet() > config.maxInFlightPerSubscription()) {
            // Claimed past this subscription's slots (a race with a completion): give the lease back.
            mine.decrementAndGet();
            QuarkusTransaction.requiringNew().run(() -> release(d.id()));
            return;
        }
        inFlight.incrementAndGet();
        long t0 = System.nanoTime();
        Span span = attemptSpan(d);
        Claimed traced = d.inTrace(TraceParents.of(span));
        CompletableFuture<Outcome> attempt;
        try (Scope ignored = span.makeCurrent()) {
            attempt = d.channel().equals("email") ? emailChannel.send(traced) : httpChannel.send(traced);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.completedFuture(Outcome.failed(e));
        }
        attempt.whenComplete((outcome, failure) -> {
            long millis = (System.nanoTime() - t0) / 1_000_000;
            Outcome o = failure != null ? Outcome.failed(failure) : outcome;
            if (o.statusCode() != null) {
                span.setAttribute("http.response.status_code", o.statusCode());
            }
            if (!o.delivered()) {
                span.setStatus(StatusCode.ERROR, o.error() == null ? "not delivered" : o.error());
            }
            span.end();
            ended.add(new Ended(d, o, millis, mine));
            recorder.wakeUp();
        });
    }

    /**
     * One attempt's span, in the trace of the event that caused the delivery (a child of the notifier's span of its
     * record); a delivery planned untraced gets none.
     */
    private Span attemptSpan(Claimed d) {
        Context parent = TraceParents.parent(d.traceparent());
        if (parent == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("deliver " + d.channel())
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("incidents.delivery_id", d.id())
                .setAttribute("incidents.attempt", d.attempts() + 1)
                .setAttribute("incidents.subscription", d.subscriptionKey())
                .setAttribute(RecordSpans.INCIDENT_ID, d.incidentId())
                .startSpan();
    }

    /**
     * One round of the recorder: every attempt that ended since the last round, recorded in one transaction (one
     * statement for the attempts, one for the deliveries); then their slots are freed and the sender woken once.
     * If the transaction fails, the deliveries go again when their leases expire.
     */
    private boolean recordEnded() {
        List<Ended> batch = new ArrayList<>();
        for (Ended e; (e = ended.poll()) != null; ) {
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> recordAll(batch));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot record %d attempts (they are retried when their leases expire): %s",
                    batch.size(), e.toString());
        } finally {
            for (Ended e : batch) {
                e.slots().decrementAndGet();
                inFlight.decrementAndGet();
            }
            wakeUp();
        }
        return true;
    }

    private void recordAll(List<Ended> outcomes) {
        // In id order, as the planner locks queue heads: two transactions never wait for each other in a circle.
        List<Ended> batch = outcomes.stream()
                .sorted(java.util.Comparator.comparingLong(e -> e.delivery().id()))
                .toList();
        int n = batch.size();
        Long[] ids = new Long[n];
        Integer[] attempts = new Integer[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        Long[] millis = new Long[n];
        DeliveryStatus[] statuses = new DeliveryStatus[n];
        Timestamp[] next = new Timestamp[n];
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            Claimed d = batch.get(i).delivery();
            Outcome o = batch.get(i).outcome();
            int attempt = d.attempts() + 1;
            boolean lastAttempt = attempt - d.attemptBase() >= config.maxAttempts();
            ids[i] = d.id();
            attempts[i] = attempt;
            codes[i] = o.statusCode();
            errors[i] = o.gone() && d.subscriptionId() != null ? "410 Gone: subscription disabled" : o.error();
            millis[i] = batch.get(i).millis();
            statuses[i] = o.delivered()
                    ? DeliveryStatus.DELIVERED
                    : (o.permanent() || lastAttempt ? DeliveryStatus.DEAD : DeliveryStatus.RETRYING);
            next[i] = Timestamp.from(
                    now.plus(o.retryAfter() != null ? o.retryAfter() : backoff(attempt - d.attemptBase())));
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into delivery_attempt (delivery_id, attempt, attempted_at, status_code, error, duration_ms)"
                            + " select id, attempt, now(), code, error, millis"
                            + " from unnest(?::bigint[], ?::int[], ?::int[], ?::text[], ?::bigint[]) as a(id, attempt, code, error, millis)")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(2, c.createArrayOf("int4", attempts));
                ps.setArray(3, c.createArrayOf("int4", codes));
                ps.setArray(4, c.createArrayOf("text", errors));
                ps.setArray(5, c.createArrayOf("bigint", millis));
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("update delivery d set status = o.status, attempts = o.attempt,"
                            + " last_status_code = o.code, last_error = o.error, next_attempt_at = o.next, leased_until = null,"
                            + " delivered_at = case when o.status = 'delivered' then now() else null end"
                            + " from unnest(?::bigint[], ?::text[], ?::int[], ?::int[], ?::text[], ?::timestamptz[])"
                            + " as o(id, status, attempt, code, error, next) where d.id = o.id")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "text",
                                Arrays.stream(statuses)
                                        .map(DeliveryStatus::wireName)
                                        .toArray()));
                ps.setArray(3, c.createArrayOf("int4", attempts));
                ps.setArray(4, c.createArrayOf("int4", codes));
                ps.setArray(5, c.createArrayOf("text", errors));
                ps.setArray(6, c.createArrayOf("timestamptz", next));
                ps.executeUpdate();
            }
            // The next delivery of each queue whose head just ended (delivered or dead) becomes due.
            List<String[]> endedQueues = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!statuses[i].open()) {
                    Claimed d = batch.get(i).delivery();
                    endedQueues.add(new String[] {d.subscriptionKey(), d.incidentId()});
                }
            }
            DeliveryQueues.promoteNext(c, endedQueues);
            for (Ended e : batch) {
                if (e.outcome().gone() && e.delivery().subscriptionId() != null) {
                    disable(c, e.delivery().subscriptionId());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record delivery attempts", e);
        }
        for (int i = 0; i < n; i++) {
            observe(batch.get(i).delivery(), batch.get(i).outcome(), attempts[i], statuses[i], errors[i]);
        }
    }

    private final ConcurrentHashMap<String, Counter> attemptCounters = new ConcurrentHashMap<>();

    /**
     * {@code incidents_deliveries_total{channel, outcome}}: attempts by where they left the delivery (delivered,
     * retrying, dead); looked up once per pair, not built on every attempt.
     */
    private Counter attempts(String channel, DeliveryStatus status) {
        return attemptCounters.computeIfAbsent(
                channel + "/" + status.wireName(),
                k -> metrics.counter("incidents_deliveries_total", "channel", channel, "outcome", status.wireName()));
    }

    /** Metrics and logs of one recorded attempt. */
    private void observe(Claimed d, Outcome o, int attempt, DeliveryStatus status, String error) {
        boolean ok = o.delivered();
        attempts(d.channel(), status).increment();
        if (d.subscriptionId() == null) {
            // The configured webhook is the operator's, not in any tenant's delivery log: this is how it is seen.
            metrics.counter("notifier.configured.webhook.attempts", "result", status.wireName())
                    .increment();
            if (status == DeliveryStatus.DEAD) {
                LOG.warnf(
                        "configured webhook: delivery %d of event %s dead after attempt %d: %s %s",
                        d.id(), d.eventId(), attempt, o.statusCode(), error);
            }
        }
        if (!ok) {
            LOG.debugf("delivery %d attempt %d: %s %s -> %s", d.id(), attempt, o.statusCode(), o.error(), status);
        }
    }

    /** A 410 Gone: the subscriber says the endpoint is no more. Nothing further is planned or sent to it. */
    private static void disable(Connection c, UUID subscriptionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update subscription set status = 'disabled',"
                + " status_reason = 'the target answered 410 Gone at ' || now() where id = ? and status = 'active'")) {
            ps.setObject(1, subscriptionId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update delivery set status = 'dead', last_error = 'subscription disabled (410 Gone)'"
                        + " where subscription_id = ? and status in ('pending', 'retrying')")) {
            ps.setObject(1, subscriptionId);
            ps.executeUpdate();
        }
    }

    private void close(Claimed d, DeliveryStatus status, String reason) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps =
                    c.prepareStatement("update delivery set status = ?, last_error = ? where id = ?")) {
                ps.setString(1, status.wireName());
                ps.setString(2, reason);
                ps.setLong(3, d.id());
                ps.executeUpdate();
            }
            DeliveryQueues.promoteNext(c, List.<String[]>of(new String[] {d.subscriptionKey(), d.incidentId()}));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close delivery " + d.id(), e);
        }
    }

    private void release(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update delivery set leased_until = null where id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release delivery " + id, e);
        }
    }

    /** Exponential backoff with jitter (half fixed, half random), capped. */
    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
