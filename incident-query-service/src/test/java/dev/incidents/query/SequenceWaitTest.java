package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.testsupport.ManagementChecks;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads waiting for {@code minSequence} hold no worker thread: more of them than the worker pool has threads (200)
 * wait at once, and a plain read is still served while they wait.
 */
@QuarkusTest
@QueryServiceTest
@TestProfile(SequenceWaitTest.LongWaits.class)
class SequenceWaitTest {

    private static final int WAITS = 300;

    /** Waits long enough that none times out during the test, and at most {@link #WAITS} of them at once. */
    public static class LongWaits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "incidents.query.min-sequence-timeout",
                    "PT60S",
                    "incidents.query.max-sequence-waits",
                    Integer.toString(WAITS));
        }
    }

    @TestHTTPResource("/")
    URL app;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void moreWaitsThanWorkerThreads_leaveReadsServed_andAllCompleteWhenTheEventArrives() throws Exception {
        String token = TestAuth.token("viewer");
        Events events = new Events();
        events.publish(events.declared());
        given().auth()
                .oauth2(token)
                .queryParam("minSequence", 1)
                .when()
                .get(app + "api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);

        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest waitForTwo = HttpRequest.newBuilder(
                        URI.create(app + "api/v1/incidents/" + events.incidentId + "?minSequence=2"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(90))
                .build();
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < WAITS; i++) {
            waits.add(client.sendAsync(waitForTwo, HttpResponse.BodyHandlers.ofString()));
        }
        awaitWaiting(WAITS);

        // One more than the bound is refused at once, to be retried.
        HttpResponse<String> refused = client.send(waitForTwo, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));

        // With every wait open, a read that does not wait is served.
        given().auth()
                .oauth2(token)
                .when()
                .get(app + "api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);
        assertEquals(0, waits.stream().filter(CompletableFuture::isDone).count(), "no wait may end before its event");

        events.publish(events.envelope(2, Events.wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        for (CompletableFuture<HttpResponse<String>> wait : waits) {
            HttpResponse<String> answer = wait.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"sequence\":2"), answer.body());
        }
        awaitWaiting(0);
    }

    private void awaitWaiting(int expected) throws InterruptedException {
        String line = "incidents_sequence_waits " + expected + ".0";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = ManagementChecks.body(management, "/q/metrics");
            if (metrics.lines()
                    .anyMatch(l -> l.startsWith("incidents_sequence_waits") && l.endsWith(" " + expected + ".0"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + line + " in\n"
                + metrics.lines().filter(l -> l.contains("sequence_waits")).toList());
    }
}
