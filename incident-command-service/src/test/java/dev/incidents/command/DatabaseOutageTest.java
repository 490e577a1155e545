package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.ProxiedPostgresResource;
import dev.incidents.testsupport.TcpProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL unreachable (#11, item 12): this service reaches the shared PostgreSQL through a proxy the test cuts.
 * While cut, every integration and a person's command answer 503 with Retry-After, never 500, and nothing is
 * written; once restored, the same requests retried are accepted and every acknowledged request's events are in
 * the event store exactly once.
 */
@QuarkusTest
@WithTestResource(
        value = ProxiedPostgresResource.class,
        initArgs = @ResourceArg(name = "database", value = "incident_command_outage"),
        scope = TestResourceScope.RESTRICTED_TO_CLASS)
class DatabaseOutageTest {

    /** Health is on the management interface. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URI management;

    /** Injected by {@link ProxiedPostgresResource}. */
    TcpProxy proxy;

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    @AfterEach
    void restore() {
        if (proxy != null) {
            proxy.restore();
        }
    }

    private static final String DECLARE = """
            {"title": "Checkout down", "severity": "SEV1", "services": ["checkout"], "detectionSource": "monitoring"}""";

    private static String generic(String key) {
        return """
                {"source": "probe", "dedupKey": "%s", "status": "firing", "title": "Checkout 5xx", "severity": "SEV2", "service": "checkout"}""".formatted(key);
    }

    /** The requests of every kind, each as it would be retried unchanged. */
    private Map<String, Supplier<Response>> requests(String unique, String incidentId) throws Exception {
        String alertmanager =
                Fixtures.read("alertmanager-firing.json").replace("LoginErrorRateHigh", "LoginErrorRateHigh-" + unique);
        String grafana = Fixtures.read("grafana-firing.json")
                .replace("57c6d9296de2ad39", "fp-" + unique)
                .replace(
                        "CheckoutLatencyHigh\\\", grafana_folder",
                        "CheckoutLatencyHigh-" + unique + "\\\", grafana_folder");
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String grafanaSignature = GrafanaIngestTest.sign(ts, grafana);
        String pagerduty = Fixtures.read("pagerduty-trigger.json").replace("payments-db-disk", "disk-" + unique);
        Map<String, Supplier<Response>> all = new java.util.LinkedHashMap<>();
        all.put(
                "alertmanager",
                () -> given().contentType(ContentType.JSON)
                        .body(alertmanager)
                        .post("/api/v1/integrations/alertmanager"));
        all.put(
                "grafana",
                () -> given().contentType(ContentType.JSON)
                        .header("X-Grafana-Alerting-Signature-Timestamp", ts)
                        .header("X-Grafana-Alerting-Signature", grafanaSignature)
                        .body(grafana)
                        .post("/api/v1/integrations/grafana"));
        all.put(
                "pagerduty",
                () -> given().contentType(ContentType.JSON).body(pagerduty).post("/api/v1/integrations/pagerduty"));
        all.put(
                "generic",
                () -> given().contentType(ContentType.JSON)
                        .body(generic("generic-" + unique))
                        .post("/api/v1/events"));
        all.put(
                "acknowledge",
                () -> given().contentType(ContentType.JSON)
                        .body("{\"by\": \"ada\"}")
                        .post("/api/v1/incidents/{id}/acknowledge", incidentId));
        all.put(
                "declare",
                () -> given().contentType(ContentType.JSON)
                        .header("Idempotency-Key", "declare-" + unique)
                        .body(DECLARE)
                        .post("/api/v1/incidents"));
        return all;
    }

    @Test
    void databaseCut_answers503WithRetryAfter_writesNothing_andRetriesAfterwardsAreAcceptedOnce() throws Exception {
        assertNotNull(proxy, "the proxy is injected");
        String unique = Long.toString(System.nanoTime());
        String incidentId = given().contentType(ContentType.JSON)
                .body(DECLARE)
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        Map<String, Supplier<Response>> requests = requests(unique, incidentId);
        long before = store.totalEvents();

        proxy.cut();
        for (var request : requests.entrySet()) {
            long started = System.nanoTime();
            Response r = request.getValue().get();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(503, r.statusCode(), request.getKey() + ": " + r.asString());
            assertTrue(Integer.parseInt(r.header("Retry-After")) > 0, request.getKey() + " has Retry-After");
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, request.getKey() + " answered in " + took);
            if (request.getKey().equals("pagerduty")) {
                assertEquals("unavailable", r.jsonPath().getString("status"), "PagerDuty's shape: " + r.asString());
            } else {
                assertEquals("application/problem+json", r.contentType(), request.getKey());
                assertEquals(503, r.jsonPath().getInt("status"));
            }
        }
        given().when().get(management.resolve("/q/health/ready")).then().statusCode(503);

        proxy.restore();
        awaitReady();
        assertEquals(before, store.totalEvents(), "nothing of a refused request was written");

        for (var request : requests.entrySet()) {
            Response r = request.getValue().get();
            assertTrue(
                    r.statusCode() / 100 == 2,
                    request.getKey() + " retried after the database is back: " + r.statusCode() + " " + r.asString());
        }
        // Once each: the alerts opened one incident apiece (declared + fired; Alertmanager's group has two alerts),
        // the acknowledgement and the declaration.
        long expected = before + 3 * 2 + 3 + 1 + 1;
        assertEquals(expected, store.totalEvents());
        assertEquals(List.of("IncidentDeclared", "IncidentAcknowledged"), store.types(incidentId));
        // Sent once more, nothing is appended: the store holds each acknowledged request exactly once.
        for (var request : requests.entrySet()) {
            if (!request.getKey().equals("acknowledge")) {
                assertTrue(request.getValue().get().statusCode() / 100 == 2, request.getKey());
            }
        }
        assertEquals(expected, store.totalEvents());
    }

    @Test
    void cutWhileAlertsArrive_neverAnswers500_andEveryAcknowledgedAlertIsStoredOnce() throws Exception {
        String prefix = "load-" + System.nanoTime() + "-";
        Map<String, Integer> lastStatus = new ConcurrentHashMap<>();
        Map<String, String> incidentOf = new ConcurrentHashMap<>();
        List<Integer> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            Thread sender = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    String key = prefix + thread + "-" + i;
                    Response r = given().contentType(ContentType.JSON)
                            .body(generic(key))
                            .post("/api/v1/events");
                    lastStatus.put(key, r.statusCode());
                    if (r.statusCode() == 202) {
                        incidentOf.put(key, r.path("incidentId"));
                    } else if (r.statusCode() != 503 || r.header("Retry-After") == null) {
                        unexpected.add(r.statusCode());
                    }
                }
            });
            sender.start();
            senders.add(sender);
        }
        Thread.sleep(1_000);
        proxy.cut();
        Thread.sleep(4_000);
        proxy.restore();
        Thread.sleep(2_000);
        running.set(false);
        for (Thread sender : senders) {
            sender.join(30_000);
        }

        assertEquals(List.of(), unexpected, "every answer is 202, or 503 with Retry-After");
        assertTrue(lastStatus.containsValue(503), "some requests met the cut: " + lastStatus.size());
        awaitReady();
        // The refused ones, retried unchanged, are accepted now (one written before its commit was lost is not
        // doubled).
        for (var e : lastStatus.entrySet()) {
            if (e.getValue() != 202) {
                String key = e.getKey();
                Response r =
                        given().contentType(ContentType.JSON).body(generic(key)).post("/api/v1/events");
                assertEquals(202, r.statusCode(), key + ": " + r.asString());
                incidentOf.put(key, r.path("incidentId"));
            }
        }
        for (var e : incidentOf.entrySet()) {
            assertEquals(List.of("IncidentDeclared", "AlertFired"), store.types(e.getValue()), e.getKey());
        }
        assertEquals(
                incidentOf.size(),
                store.count("select count(*) from event_store where type = 'AlertFired'" + " and envelope::text like '%"
                        + prefix + "%'"),
                "one incident per alert");
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().get(management.resolve("/q/health/ready")).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "ready again after the database came back");
            Thread.sleep(200);
        }
    }
}
