package dev.incidents.notifier;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Severity;
import dev.incidents.testsupport.ScriptedReceiver;
import dev.incidents.testsupport.ScriptedReceiver.Request;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A webhook subscriber that lost what it received after some point asks for everything after the last
 * {@code webhook-cursor} it took, and gets it again, in order, with the same webhook-ids.
 */
@QuarkusTest
@NotifierServiceTest
class WebhookReplayTest {

    private static final Duration WAIT = Duration.ofSeconds(45);

    private final Api api = new Api();
    private final ScriptedReceiver receiver = TestEndpoints.receiver;

    @Test
    void aReplayAfterACursor_sendsWhatCameAfterIt_again_inOrder_withTheSameIds() throws Exception {
        String path = "/replay-" + UUID.randomUUID();
        JsonPath created = api.subscribe("webhook", receiver.url(path));
        receiver.verifyWith(path, created.getString("secret"));
        String subscription = created.getString("id");
        Stream incident = new Stream(api.tenant);
        EventEnvelope declared = incident.declare("Checkout is slow", Severity.SEV2, "checkout");
        EventEnvelope acknowledged = incident.acknowledge();
        EventEnvelope resolved = incident.resolve();

        List<Request> first = receiver.await(path, rs -> rs.size() >= 3, WAIT);
        assertEquals(3, first.size());
        List<Long> cursors = first.stream()
                .map(r -> Long.parseLong(r.header("webhook-cursor")))
                .toList();
        assertTrue(cursors.get(0) < cursors.get(1) && cursors.get(1) < cursors.get(2), "a feed in order: " + cursors);
        api.awaitDeliveries(subscription, Api.allSettled(3), WAIT);

        // The subscriber kept only the first: it asks for what came after it.
        api.as()
                .body("{\"after\": " + cursors.get(0) + "}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(202)
                .body("scheduled", equalTo(2))
                .body("until", equalTo(cursors.get(2).intValue()))
                .body("more", equalTo(false));
        List<Request> all = receiver.await(path, rs -> rs.size() >= 5, WAIT);
        List<Request> again = all.subList(3, all.size());
        assertEquals(
                List.of("msg_" + acknowledged.eventId(), "msg_" + resolved.eventId()),
                again.stream().map(r -> r.header("webhook-id")).toList());
        assertEquals(
                cursors.subList(1, 3),
                again.stream()
                        .map(r -> Long.parseLong(r.header("webhook-cursor")))
                        .toList());
        assertTrue(again.stream().allMatch(Request::signatureValid), "signed as before");
        assertTrue(first.get(0).header("webhook-id").equals("msg_" + declared.eventId()));

        // After the last: nothing is due.
        api.awaitDeliveries(subscription, Api.allSettled(3), WAIT);
        api.as()
                .body("{\"after\": " + cursors.get(2) + "}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(202)
                .body("scheduled", equalTo(0))
                .body("until", nullValue());
    }

    @Test
    void aReplay_isForTheSubscriptionsTenant_andNeedsAPosition() {
        JsonPath created = api.subscribe("webhook", receiver.url("/replay-checks-" + UUID.randomUUID()));
        String subscription = created.getString("id");
        RestAssured.given()
                .auth()
                .oauth2(TestAuth.tokenFor("another-" + UUID.randomUUID(), "responder"))
                .contentType(ContentType.JSON)
                .body("{\"after\": 0}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(404);
        api.as()
                .body("{}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(400);
        api.as()
                .body("{\"after\": -1}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(400);
        String email = api.subscribe("email", "oncall@example.com").getString("id");
        api.as()
                .body("{\"after\": 0}")
                .post("/api/v1/subscriptions/" + email + "/replay")
                .then()
                .statusCode(409);
        RestAssured.given()
                .auth()
                .oauth2(TestAuth.tokenFor(api.tenant, "viewer"))
                .contentType(ContentType.JSON)
                .body("{\"after\": 0}")
                .post("/api/v1/subscriptions/" + subscription + "/replay")
                .then()
                .statusCode(403);
    }
}
