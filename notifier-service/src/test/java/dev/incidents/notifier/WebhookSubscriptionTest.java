package dev.incidents.notifier;

import static dev.incidents.testsupport.ScriptedReceiver.Answer.reset;
import static dev.incidents.testsupport.ScriptedReceiver.Answer.status;
import static dev.incidents.testsupport.ScriptedReceiver.Answer.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Webhook subscriptions against a real receiver that fails in the ways real endpoints fail. Each test has a
 * tenant of its own, so it sees only its own deliveries.
 */
@QuarkusTest
@NotifierServiceTest
class WebhookSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(45);

    private final Api api = new Api();
    private final ScriptedReceiver receiver = TestEndpoints.receiver;

    /** A fresh path on the receiver with a webhook subscription of this test's tenant; returns the subscription id. */
    private String subscribe(String path) {
        JsonPath created = api.subscribe("webhook", receiver.url(path));
        receiver.verifyWith(path, created.getString("secret"));
        return created.getString("id");
    }

    private static String path(String name) {
        return "/" + name + "-" + UUID.randomUUID();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attemptLog(Map<String, Object> delivery) {
        return (List<Map<String, Object>>) delivery.get("attemptLog");
    }

    private static List<Object> column(List<Map<String, Object>> rows, String name) {
        List<Object> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(name)));
        return out;
    }

    @Test
    void a500_aTimeout_andAReset_areRetriedWithTheSameId_untilDelivered() throws Exception {
        String path = path("flaky");
        receiver.script(path, status(500), timeout(Duration.ofSeconds(3)), reset(), status(204));
        String subscription = subscribe(path);
        EventEnvelope declared = new Stream(api.tenant).declare("Checkout is slow", Severity.SEV2, "checkout");

        List<Map<String, Object>> deliveries = api.awaitDeliveries(subscription, Api.allSettled(1), WAIT);

        List<Request> got = receiver.requests(path);
        assertEquals(
                List.of("500", "timeout", "reset", "204"),
                got.stream().map(Request::answer).toList());
        assertTrue(
                got.stream()
                        .allMatch(r ->
                                "msg_".concat(declared.eventId().toString()).equals(r.header("webhook-id"))),
                "one webhook-id on every attempt");
        assertTrue(
                got.stream().allMatch(Request::signatureValid),
                "every attempt is signed with the subscription's secret");

        Map<String, Object> d = deliveries.get(0);
        assertEquals("delivered", d.get("status"));
        assertEquals(4, d.get("attempts"));
        List<Map<String, Object>> log = attemptLog(d);
        assertEquals(List.of(1, 2, 3, 4), column(log, "attempt"));
        assertEquals(java.util.Arrays.asList(500, null, null, 204), column(log, "statusCode"));
        assertNull(log.get(0).get("error"));
        assertTrue(String.valueOf(log.get(1).get("error")).contains("Timeout"), "attempt 2 timed out: " + log.get(1));
        assertNotNull(log.get(2).get("error"), "attempt 3 was reset: " + log.get(2));
        assertNull(log.get(3).get("error"));
    }

    @Test
    void retryAfter_on429and503_isHonoured() throws Exception {
        String path = path("busy");
        receiver.script(path, status(429, "Retry-After", "2"), status(503, "Retry-After", "1"));
        String subscription = subscribe(path);
        new Stream(api.tenant).declare("Search is down", Severity.SEV2, "search");

        List<Map<String, Object>> deliveries = api.awaitDeliveries(subscription, Api.allSettled(1), WAIT);

        List<Request> got = receiver.requests(path);
        assertEquals(
                List.of("429", "503", "204"), got.stream().map(Request::answer).toList());
        // The backoff in these tests is 0.2-0.5 s: only Retry-After explains these waits.
        assertTrue(
                Duration.between(got.get(0).receivedAt(), got.get(1).receivedAt())
                                .toMillis()
                        >= 1_950,
                "waited the 2 s asked for");
        assertTrue(
                Duration.between(got.get(1).receivedAt(), got.get(2).receivedAt())
                                .toMillis()
                        >= 950,
                "waited the 1 s asked for");
        assertEquals(List.of(429, 503, 204), column(attemptLog(deliveries.get(0)), "statusCode"));
        assertEquals("delivered", deliveries.get(0).get("status"));
    }

    @Test
    void a410_disablesTheSubscription_andNothingMoreIsSentToIt() throws Exception {
        String gonePath = path("gone");
        receiver.script(gonePath, status(410));
        String gone = subscribe(gonePath);
        String control = subscribe(path("control"));
        Stream incident = new Stream(api.tenant);
        incident.declare("Billing emails bounce", Severity.SEV3, "billing");

        Map<String, Object> first =
                api.awaitDeliveries(gone, Api.allSettled(1), WAIT).get(0);
        assertEquals("dead", first.get("status"));
        assertEquals(List.of(410), column(attemptLog(first), "statusCode"));
        assertTrue(String.valueOf(first.get("lastError")).contains("410"), String.valueOf(first.get("lastError")));
        JsonPath subscription = api.as()
                .get("/api/v1/subscriptions/" + gone)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("disabled", subscription.getString("status"));
        assertTrue(subscription.getString("statusReason").contains("410"), subscription.getString("statusReason"));

        incident.acknowledge();
        api.awaitDeliveries(control, Api.allSettled(2), WAIT); // the acknowledgement has been planned
        assertEquals(1, api.deliveries(gone).size(), "no delivery planned for a disabled subscription");
        assertEquals(1, receiver.requests(gonePath).size(), "the 410 endpoint was called once");
        api.as()
                .post("/api/v1/deliveries/" + first.get("id") + "/redeliver")
                .then()
                .statusCode(409);

        // The receiver is back: enabled again, its dead delivery goes out on redeliver, and new events reach it.
        api.as()
                .post("/api/v1/subscriptions/" + gone + "/enable")
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("active"))
                .body("statusReason", org.hamcrest.Matchers.nullValue());
        api.as()
                .post("/api/v1/deliveries/" + first.get("id") + "/redeliver")
                .then()
                .statusCode(202);
        incident.resolve();
        List<Map<String, Object>> after = api.awaitDeliveries(
                gone, ds -> ds.size() == 2 && ds.stream().allMatch(d -> "delivered".equals(d.get("status"))), WAIT);
        assertEquals(List.of("delivered", "delivered"), column(after, "status"));
        assertEquals(
                List.of(1L, 3L),
                after.stream()
                        .map(d -> ((Number) d.get("sequence")).longValue())
                        .toList());
        api.as()
                .post("/api/v1/subscriptions/" + UUID.randomUUID() + "/enable")
                .then()
                .statusCode(404);
    }

    @Test
    void afterTheLastAttempt_aDeliveryIsDead_andRedeliverSendsItAgain() throws Exception {
        String path = path("down");
        receiver.script(path, status(500), status(502), status(503), status(504));
        String subscription = subscribe(path);
        EventEnvelope declared = new Stream(api.tenant).declare("Payments time out", Severity.SEV1, "payments");

        Map<String, Object> dead =
                api.awaitDeliveries(subscription, Api.allSettled(1), WAIT).get(0);
        assertEquals("dead", dead.get("status"));
        assertEquals(TestEndpoints.MAX_ATTEMPTS, dead.get("attempts"));
        List<Map<String, Object>> deadLetters = api.as()
                .queryParam("status", "dead")
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertEquals(List.of(dead.get("id")), column(deadLetters, "id"), "listed among the dead letters");

        api.as()
                .post("/api/v1/deliveries/" + dead.get("id") + "/redeliver")
                .then()
                .statusCode(202);
        Map<String, Object> again = api.awaitDeliveries(
                        subscription, ds -> "delivered".equals(ds.get(0).get("status")), WAIT)
                .get(0);

        assertEquals(List.of(500, 502, 503, 504, 204), column(attemptLog(again), "statusCode"));
        List<Request> got = receiver.requests(path);
        assertEquals(5, got.size());
        assertTrue(
                got.stream().allMatch(r -> ("msg_" + declared.eventId()).equals(r.header("webhook-id"))),
                "a redelivery keeps the webhook-id");
        api.as().post("/api/v1/deliveries/999999999/redeliver").then().statusCode(404);
    }

    @Test
    void underFailures_nothingIsLost_nothingDoubled_andEachIncidentStaysInOrder() throws Exception {
        String path = path("shaky");
        // Every update is reset, then refused, then accepted: 36 calls for 12 updates of 4 incidents at once.
        receiver.scriptEachMessage(path, reset(), status(500));
        String subscription = subscribe(path);
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            Stream incident = new Stream(api.tenant);
            List<String> ids = new ArrayList<>();
            ids.add("msg_"
                    + incident.declare("Incident " + i, Severity.SEV3, "svc" + i)
                            .eventId());
            ids.add("msg_" + incident.acknowledge().eventId());
            ids.add("msg_" + incident.resolve().eventId());
            sent.put(incident.incidentId, ids);
        }

        List<Map<String, Object>> deliveries = api.awaitDeliveries(subscription, Api.allSettled(12), WAIT);
        assertEquals(12, deliveries.size());
        assertTrue(
                deliveries.stream().allMatch(d -> "delivered".equals(d.get("status"))), "all delivered: " + deliveries);

        assertEquals(36, receiver.requests(path).size());
        List<Request> accepted = receiver.requests(path).stream()
                .filter(r -> r.answer().equals("204"))
                .toList();
        assertEquals(12, accepted.size(), "each update accepted exactly once");
        assertTrue(
                deliveries.stream()
                        .allMatch(d ->
                                column(attemptLog(d), "statusCode").equals(java.util.Arrays.asList(null, 500, 204))),
                "each delivery's log: reset, 500, 204");
        for (Map.Entry<String, List<String>> incident : sent.entrySet()) {
            List<String> order = accepted.stream()
                    .filter(r -> r.body().contains(incident.getKey()))
                    .map(r -> r.header("webhook-id"))
                    .toList();
            assertEquals(incident.getValue(), order, "updates of incident " + incident.getKey() + " in sequence order");
        }
    }

    @Test
    void aStormOfUpdatesToOneIncident_goesOutInOrder_eachOnce_besideAnotherIncident() throws Exception {
        String path = path("storm");
        String subscription = subscribe(path);
        // The storm's updates queue behind each other (only the oldest open one is claimable, each one that ends
        // makes the next due); the other incident's update is a queue of its own.
        Stream storm = new Stream(api.tenant);
        List<String> stormIds = new ArrayList<>();
        stormIds.add("msg_" + storm.declare("Storm", Severity.SEV2, "edge").eventId());
        for (int i = 0; i < 24; i++) {
            stormIds.add("msg_"
                    + storm.publish(
                                    "08:40",
                                    new dev.incidents.domain.IncidentEvent.TimelineEntryAdded(
                                            dev.incidents.domain.TimelineKind.OBSERVATION, "alert " + i, "ada"))
                            .eventId());
        }
        Stream other = new Stream(api.tenant);
        String otherId =
                "msg_" + other.declare("Elsewhere", Severity.SEV3, "billing").eventId();

        List<Map<String, Object>> deliveries = api.awaitDeliveries(subscription, Api.allSettled(26), WAIT);
        assertTrue(
                deliveries.stream().allMatch(d -> "delivered".equals(d.get("status"))), "all delivered: " + deliveries);
        List<String> stormOrder = receiver.requests(path).stream()
                .filter(r -> r.body().contains(storm.incidentId))
                .map(r -> r.header("webhook-id"))
                .toList();
        assertEquals(stormIds, stormOrder, "the storm's updates in sequence order, each once");
        assertEquals(
                List.of(otherId),
                receiver.requests(path).stream()
                        .filter(r -> r.body().contains(other.incidentId))
                        .map(r -> r.header("webhook-id"))
                        .toList());
    }

    @Test
    void aDeadSubscriber_holdsAtMostItsOwnSlots_andTheOthersGetEverythingMeanwhile() throws Exception {
        int incidents = 30;
        int slots = 8; // notifier.max-in-flight-per-subscription, its default
        String deadPath = path("dead");
        String livePath = path("live");
        // Held past the notifier's 1 s request timeout: every attempt to it ends in a timeout.
        receiver.answerByDefault(deadPath, timeout(Duration.ofMillis(1_500)));
        String dead = subscribe(deadPath);
        String live = subscribe(livePath);
        for (int i = 0; i < incidents; i++) {
            new Stream(api.tenant).declare("Region " + i + " down", Severity.SEV2, "edge");
        }

        List<Map<String, Object>> delivered = api.awaitDeliveries(live, Api.allSettled(incidents), WAIT);
        // Read when the live subscriber had everything: the dead one had not yet finished its second round of
        // attempts (its third round needs two timeouts, 2 s, to have passed since its first).
        int deadAttemptsMeanwhile = receiver.requests(deadPath).size();

        assertTrue(
                delivered.stream().allMatch(d -> "delivered".equals(d.get("status"))),
                "the live subscriber got every update: " + delivered);
        assertEquals(incidents, receiver.requests(livePath).size());
        assertTrue(
                deadAttemptsMeanwhile <= 2 * slots,
                "the live subscriber did not wait for the dead one's rounds: " + deadAttemptsMeanwhile
                        + " attempts to the dead one meanwhile");
        // Every attempt to the dead endpoint is held past the timeout, so all that arrived within 0.9 s of the
        // first one were in flight together: never more than the subscription's slots.
        List<Request> toDead = receiver.await(deadPath, r -> r.size() >= slots, WAIT);
        java.time.Instant first = toDead.get(0).receivedAt();
        long together = toDead.stream()
                .filter(r -> r.receivedAt().isBefore(first.plusMillis(900)))
                .count();
        assertTrue(together >= 1 && together <= slots, together + " attempts in flight at once to one subscription");
        api.as().delete("/api/v1/subscriptions/" + dead).then().statusCode(204);
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @Test
    void aDeliveryLeftWaitingWithNothingAheadOfIt_isFoundBySweep_andSent() throws Exception {
        String path = path("stranded");
        String subscription = subscribe(path);
        Stream incident = new Stream(api.tenant);
        incident.declare("Stranded", Severity.SEV3, "api");
        api.awaitDeliveries(subscription, Api.allSettled(1), WAIT);
        // What a planner leaves when the delivery ahead ends while it plans: a waiting row that nobody promotes.
        UUID strandedEvent = UUID.randomUUID();
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("insert into delivery (subscription_key,"
                        + " subscription_id, channel, target_url, tenant, event_id, incident_id, seq, event_type, payload_id,"
                        + " status, next_attempt_at) select subscription_key, subscription_id, channel, target_url, tenant,"
                        + " ?, incident_id, seq + 1, event_type, payload_id, 'pending', 'infinity' from delivery"
                        + " where subscription_id = ?::uuid")) {
            ps.setObject(1, strandedEvent);
            ps.setString(2, subscription);
            assertEquals(1, ps.executeUpdate());
        }

        List<Map<String, Object>> deliveries = api.awaitDeliveries(subscription, Api.allSettled(2), WAIT);
        assertEquals(2, deliveries.size());
        assertTrue(
                deliveries.stream().allMatch(d -> "delivered".equals(d.get("status"))),
                "both delivered: " + deliveries);
        assertTrue(
                receiver.requests(path).stream()
                        .anyMatch(r -> r.header("webhook-id").equals("msg_" + strandedEvent)),
                "the stranded delivery reached the receiver");
    }
}
