package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.AlertLink;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.Severity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class GrafanaIngestTest {

    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        Credentials.responderAndIntegration();
    }

    private static final String SECRET = "grafana-test-secret"; // %test profile

    @Inject
    EventStoreProbe store;

    static String body(String unique) {
        return Fixtures.read("grafana-firing.json")
                .replace("57c6d9296de2ad39", "fp-" + unique)
                .replace(
                        "CheckoutLatencyHigh\\\", grafana_folder",
                        "CheckoutLatencyHigh-" + unique + "\\\", grafana_folder");
    }

    /** What a Grafana contact point with an HMAC secret and a timestamp header sends: hex HMAC-SHA256 of "ts:body". */
    static String sign(String timestamp, String body) throws Exception {
        return sign(SECRET, timestamp, body);
    }

    /** The same, under another secret (a key's own). */
    static String sign(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signedWebhook_opensAnIncident_keepingValuesAndDashboardLinks() throws Exception {
        String body = body("a" + System.nanoTime());
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String id = given().contentType(ContentType.JSON)
                .header("X-Grafana-Alerting-Signature-Timestamp", ts)
                .header("X-Grafana-Alerting-Signature", sign(ts, body))
                .body(body)
                .when()
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(202)
                .extract()
                .path("incidentId");

        assertEquals(List.of("IncidentDeclared", "AlertFired"), store.types(id));
        assertEquals(store.types(id), Published.types(id, 2));
        var declared = (IncidentEvent.IncidentDeclared) store.events(id).get(0).data();
        assertEquals(Severity.SEV3, declared.severity());
        assertEquals(List.of("checkout"), declared.services());
        var fired = (IncidentEvent.AlertFired) store.events(id).get(1).data();
        assertEquals("2.37", fired.details().get("A"));
        assertTrue(fired.links()
                .contains(new AlertLink("https://grafana.example.org/d/shop-overview?orgId=1", "dashboard")));
        assertTrue(fired.links().stream().anyMatch(l -> l.text().equals("panel")));
        assertEquals(
                "https://runbooks.example.org/checkout-latency",
                fired.annotations().get("runbook_url"));
    }

    @Test
    void wronglySignedWebhook_is401_andStoresNothing() throws Exception {
        String body = body("b" + System.nanoTime());
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .header("X-Grafana-Alerting-Signature-Timestamp", ts)
                .header("X-Grafana-Alerting-Signature", sign(ts, body + " "))
                .body(body)
                .when()
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        assertEquals(before, store.totalEvents());
    }

    @Test
    void aSignedRequestSentAgainAfterItsWindow_is401_andStoresNothing_whileARetryWithinItChangesNothing()
            throws Exception {
        String body = body("c" + System.nanoTime());
        long now = System.currentTimeMillis() / 1000;
        String captured = Long.toString(now - 301); // signed 5 min 1 s ago: a captured request, sent again
        long before = store.totalEvents();
        given().contentType(ContentType.JSON)
                .header("X-Grafana-Alerting-Signature-Timestamp", captured)
                .header("X-Grafana-Alerting-Signature", sign(captured, body))
                .body(body)
                .when()
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("replayed"));
        String ahead = Long.toString(now + 400); // from a clock far ahead
        given().contentType(ContentType.JSON)
                .header("X-Grafana-Alerting-Signature-Timestamp", ahead)
                .header("X-Grafana-Alerting-Signature", sign(ahead, body))
                .body(body)
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(401);
        assertEquals(before, store.totalEvents());

        String recent = Long.toString(now - 240); // within the window, in milliseconds as some senders write it
        String millis = recent + "000";
        for (int attempt = 0; attempt < 2; attempt++) {
            given().contentType(ContentType.JSON)
                    .header("X-Grafana-Alerting-Signature-Timestamp", millis)
                    .header("X-Grafana-Alerting-Signature", sign(millis, body))
                    .body(body)
                    .post("/api/v1/integrations/grafana")
                    .then()
                    .statusCode(202);
        }
        assertEquals(before + 2, store.totalEvents(), "declared and fired, once");
    }
}
