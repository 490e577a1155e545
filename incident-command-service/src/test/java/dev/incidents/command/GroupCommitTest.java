package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.command.ingest.AlertIngest;
import dev.incidents.command.ingest.AlertSignal;
import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.GroupCommit;
import dev.incidents.command.store.GroupCommit.Written;
import dev.incidents.command.store.WriteBatch;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.domain.Severity;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.testsupport.ManagementChecks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit keeps every write invariant: requests in one batch stay apart (a refused one takes back only its own
 * writes), Idempotency-Keys are deduplicated inside a batch, two replicas writing the same alert group keep one
 * incident with a gapless stream, and concurrent requests really share commits.
 */
@QuarkusTest
@CommandServiceTest
class GroupCommitTest {

    private static final GroupCommit.Observer UNOBSERVED = new GroupCommit.Observer() {
        @Override
        public void committed(int requests, int events, long nanos) {}

        @Override
        public void conflicted(int requests) {}
    };

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EventStoreProbe store;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    /** A writer of its own, as another replica has: its own queue and its own remembered states. */
    private GroupCommit replica() {
        return new GroupCommit(
                dataSource, new GroupCommit.Settings(1000, 500, 1000, 5, Duration.ofSeconds(30)), UNOBSERVED, () -> {});
    }

    private static CommandContext ctx(String idempotencyKey, String requestHash) {
        return new CommandContext(
                "default",
                "alertmanager",
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS),
                null,
                idempotencyKey,
                requestHash);
    }

    private static GroupCommit.Work alert(CommandContext ctx, String group, String alertKey) {
        AlertSignal signal = new AlertSignal(
                "alertmanager",
                group,
                alertKey,
                true,
                "HighErrorRate",
                Severity.SEV2,
                "checkout",
                "5xx above 5%",
                Map.of("alertname", "HighErrorRate"),
                Map.of(),
                Map.of(),
                List.of(),
                null,
                null);
        return AlertIngest.work(ctx, List.of(signal), true, new ArrayList<>());
    }

    @Test
    void oneBatch_keepsItsRequestsApart() {
        String group = "batch-" + UUID.randomUUID();
        String halfDone = "half-" + UUID.randomUUID();
        String key = "key-" + UUID.randomUUID();
        List<CommandContext> contexts = new ArrayList<>();
        List<GroupCommit.Work> works = new ArrayList<>();
        // 0, 1: the first two alerts of a new group, in one batch, open one incident
        contexts.add(ctx(null, null));
        works.add(alert(contexts.get(0), group, "a1"));
        contexts.add(ctx(null, null));
        works.add(alert(contexts.get(1), group, "a2"));
        // 2: refused (no such incident): fails alone
        contexts.add(ctx(null, null));
        CommandContext refusedCtx = contexts.get(2);
        works.add(batch -> {
            WriteBatch.Outcome o = batch.decideAndAppend(
                    refusedCtx, UUID.randomUUID().toString(), new IncidentCommand.AcknowledgeIncident("ada"));
            throw new ProblemException(CommandHandler.toProblem(((WriteBatch.Refused) o).rejection()));
        });
        // 3, 4: the same Idempotency-Key twice in the batch: one write, one answer; 5: the key reused for another
        // request
        contexts.add(ctx(key, "hash-1"));
        works.add(alert(contexts.get(3), group, "a3"));
        contexts.add(ctx(key, "hash-1"));
        works.add(alert(contexts.get(4), group, "a3-again"));
        contexts.add(ctx(key, "hash-2"));
        works.add(alert(contexts.get(5), group, "a4"));
        // 6: opens a route and an incident, then fails: none of it may be written
        contexts.add(ctx(null, null));
        GroupCommit.Work opensThenFails = alert(contexts.get(6), halfDone, "h1");
        works.add(batch -> {
            opensThenFails.run(batch);
            throw new ProblemException(Problem.invalid("body", "refused after writing"));
        });
        // 7: an alert after the failed one still lands
        contexts.add(ctx(null, null));
        works.add(alert(contexts.get(7), group, "a5"));

        List<Written> written = replica().writeTogether(contexts, works);

        String incident = written.get(0).result().incidentId();
        assertNotNull(incident);
        for (int i : new int[] {1, 3, 4, 7}) {
            assertNull(
                    written.get(i).failure(),
                    "request " + i + ": " + written.get(i).failure());
            assertEquals(incident, written.get(i).result().incidentId(), "request " + i);
        }
        assertEquals(404, problem(written.get(2)).status());
        assertEquals(
                written.get(3).result(), written.get(4).result(), "a retry inside the batch answers the first answer");
        assertEquals(422, problem(written.get(5)).status());
        assertEquals(400, problem(written.get(6)).status());

        List<EventEnvelope> events = store.events(incident);
        assertEquals(
                LongStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(EventEnvelope::sequence).toList(),
                "gapless, in order");
        assertEquals(written.get(7).result().sequence(), events.size());
        Set<String> fired = events.stream()
                .filter(e -> e.type().equals("AlertFired"))
                .map(e -> ((dev.incidents.domain.IncidentEvent.AlertFired) e.data()).alertKey())
                .collect(Collectors.toSet());
        assertEquals(Set.of("a1", "a2", "a3", "a5"), fired, "the retry and the reused key wrote nothing");
        assertEquals(1, store.count("select count(*) from alert_route where route_key = '" + group + "'"));
        assertEquals(0, store.count("select count(*) from alert_route where route_key = '" + halfDone + "'"));
        assertEquals(0, store.count("select count(*) from event_store where envelope::text like '%" + halfDone + "%'"));
        assertEquals(1, store.count("select count(*) from idempotency_key where idem_key = '" + key + "'"));
    }

    @Test
    void aRequestWhoseWorkBreaks_failsAlone_theRestOfItsBatchIsWritten() {
        String group = "breaks-" + UUID.randomUUID();
        CommandContext first = ctx(null, null);
        CommandContext broken = ctx(null, null);
        CommandContext last = ctx(null, null);
        List<Written> written = replica()
                .writeTogether(
                        List.of(first, broken, last),
                        List.of(
                                alert(first, group, "b1"),
                                batch -> {
                                    alert(broken, group, "never").run(batch);
                                    throw new IllegalStateException("a defect in one request's work");
                                },
                                alert(last, group, "b2")));

        assertNull(written.get(0).failure());
        assertInstanceOf(IllegalStateException.class, written.get(1).failure());
        assertNull(written.get(2).failure());
        Set<String> fired = store.events(written.get(0).result().incidentId()).stream()
                .filter(e -> e.type().equals("AlertFired"))
                .map(e -> ((dev.incidents.domain.IncidentEvent.AlertFired) e.data()).alertKey())
                .collect(Collectors.toSet());
        assertEquals(Set.of("b1", "b2"), fired);
    }

    @Test
    void twoReplicas_writingTheSameGroup_keepOneIncident_withAGaplessStream() throws Exception {
        String group = "shared-" + UUID.randomUUID();
        int batches = 20;
        int perBatch = 5;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Written>>> replicas = new ArrayList<>();
            for (String name : List.of("r1", "r2")) {
                replicas.add(pool.submit(() -> {
                    GroupCommit replica = replica();
                    start.await();
                    List<Written> all = new ArrayList<>();
                    for (int b = 0; b < batches; b++) {
                        List<CommandContext> contexts = new ArrayList<>();
                        List<GroupCommit.Work> works = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            CommandContext c = ctx(null, null);
                            contexts.add(c);
                            works.add(alert(c, group, name + "-" + b + "-" + i));
                        }
                        all.addAll(replica.writeTogether(contexts, works));
                    }
                    return all;
                }));
            }
            Set<String> incidents = new java.util.HashSet<>();
            for (Future<List<Written>> replica : replicas) {
                for (Written w : replica.get()) {
                    assertNull(w.failure(), String.valueOf(w.failure()));
                    incidents.add(w.result().incidentId());
                }
            }
            assertEquals(1, incidents.size(), "one group, one incident: " + incidents);
            List<EventEnvelope> events = store.events(incidents.iterator().next());
            assertEquals(
                    LongStream.rangeClosed(1, events.size()).boxed().toList(),
                    events.stream().map(EventEnvelope::sequence).toList());
            assertEquals(
                    2 * batches * perBatch,
                    events.stream().filter(e -> e.type().equals("AlertFired")).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchLoadsItsRoutesAndIncidentsTogether_bringingRememberedStatesUpToDate() {
        String shared = "preload-" + UUID.randomUUID();
        String othersGroup = "preload-other-" + UUID.randomUUID();
        String fresh = "preload-new-" + UUID.randomUUID();
        java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
        GroupCommit a = new GroupCommit(
                dataSource,
                new GroupCommit.Settings(1000, 500, 1000, 5, Duration.ofSeconds(30)),
                new GroupCommit.Observer() {
                    @Override
                    public void committed(int requests, int events, long nanos) {}

                    @Override
                    public void conflicted(int requests) {
                        conflicts.addAndGet(requests);
                    }
                },
                () -> {});
        GroupCommit b = replica();
        CommandContext c1 = ctx(null, null);
        String incident = a.writeTogether(List.of(c1), List.of(alert(c1, shared, "a1")))
                .get(0)
                .result()
                .incidentId();
        // Another replica writes after it: what replica a remembers of the incident is one event behind.
        CommandContext c2 = ctx(null, null);
        CommandContext c3 = ctx(null, null);
        List<Written> byB =
                b.writeTogether(List.of(c2, c3), List.of(alert(c2, shared, "b1"), alert(c3, othersGroup, "b2")));
        assertEquals(incident, byB.get(0).result().incidentId());

        CommandContext c4 = ctx(null, null);
        CommandContext c5 = ctx(null, null);
        CommandContext c6 = ctx(null, null);
        List<Written> batch = a.writeTogether(
                List.of(c4, c5, c6),
                List.of(alert(c4, shared, "a2"), alert(c5, othersGroup, "a3"), alert(c6, fresh, "a4")));

        assertEquals(0, conflicts.get(), "the batch read the other replica's event before deciding");
        assertEquals(incident, batch.get(0).result().incidentId());
        assertEquals(4, batch.get(0).result().sequence());
        assertEquals(byB.get(1).result().incidentId(), batch.get(1).result().incidentId());
        assertEquals(3, batch.get(1).result().sequence());
        assertEquals(2, batch.get(2).result().sequence(), "a new group opens its own incident");
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                store.events(incident).stream().map(EventEnvelope::sequence).toList());
    }

    @Test
    void concurrentRequests_shareCommits_andEveryAnswerIsDurable() throws Exception {
        int requests = 64;
        double commitsBefore = metric("incidents_write_batch_requests_count");
        String run = "share-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CyclicBarrier start = new CyclicBarrier(requests);
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = Fixtures.read("alertmanager-firing.json")
                        .replace("a3f1c2e4b5d60718", run + "-" + i)
                        .replace("LoginErrorRateHigh\\\"}\"", "LoginErrorRateHigh-" + run + "-" + i + "\\\"}\"");
                var spec = io.restassured.RestAssured.requestSpecification;
                answers.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                start.await();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            return given().spec(spec)
                                    .contentType(ContentType.JSON)
                                    .body(body)
                                    .when()
                                    .post("/api/v1/integrations/alertmanager")
                                    .then()
                                    .statusCode(202)
                                    .extract()
                                    .<String>path("incidentId");
                        },
                        pool));
            }
            Set<String> incidents = new java.util.HashSet<>();
            for (CompletableFuture<String> a : answers) {
                incidents.add(a.get());
            }
            assertEquals(requests, incidents.size(), "each request its own group, its own incident");
            for (String incident : incidents) {
                assertTrue(store.events(incident).size() >= 2, "answered 202, so its events are in the store");
            }
        } finally {
            pool.shutdownNow();
        }
        double commits = metric("incidents_write_batch_requests_count") - commitsBefore;
        assertTrue(commits < requests, requests + " concurrent requests took " + commits + " commits");
    }

    @Test
    void fullQueue_answers503WithRetryAfter_andWhatQueuedIsStillWritten() throws Exception {
        GroupCommit replica = new GroupCommit(
                dataSource, new GroupCommit.Settings(2, 500, 1000, 5, Duration.ofSeconds(30)), UNOBSERVED, () -> {});
        replica.start();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        java.util.concurrent.CountDownLatch writerBusy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        String group = "full-" + UUID.randomUUID();
        try {
            // The writer takes the first request and is held inside it: the next two fill the queue.
            CommandContext first = ctx(null, null);
            GroupCommit.Work held = alert(first, group, "held");
            Future<WriteResult> heldAnswer = pool.submit(() -> replica.submit(first, batch -> {
                writerBusy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return held.run(batch);
            }));
            writerBusy.await();
            List<Future<WriteResult>> queued = new ArrayList<>();
            for (String alertKey : List.of("q1", "q2")) {
                CommandContext c = ctx(null, null);
                queued.add(pool.submit(() -> replica.submit(c, alert(c, group, alertKey))));
            }
            while (replica.queued() < 2) {
                Thread.sleep(10);
            }
            ProblemException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ProblemException.class,
                    () -> replica.submit(ctx(null, null), alert(ctx(null, null), group, "refused")));
            assertEquals(503, refused.problem().status());
            assertEquals("1", refused.toResponse().getHeaderString("Retry-After"));

            release.countDown();
            String incident = heldAnswer.get().incidentId();
            for (Future<WriteResult> q : queued) {
                assertEquals(incident, q.get().incidentId());
            }
            Set<String> fired = store.events(incident).stream()
                    .filter(e -> e.type().equals("AlertFired"))
                    .map(e -> ((dev.incidents.domain.IncidentEvent.AlertFired) e.data()).alertKey())
                    .collect(Collectors.toSet());
            assertEquals(Set.of("held", "q1", "q2"), fired);
        } finally {
            release.countDown();
            pool.shutdownNow();
            replica.stop();
        }
    }

    private static Problem problem(Written w) {
        return assertInstanceOf(ProblemException.class, w.failure()).problem();
    }

    private double metric(String name) {
        String metrics = ManagementChecks.body(management, "/q/metrics");
        return metrics.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
