package dev.incidents.notifier;

import static io.restassured.RestAssured.given;

import dev.incidents.testsupport.TestAuth;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** The notifier's HTTP API as one tenant's responder calls it. */
final class Api {

    final String tenant = "t-" + UUID.randomUUID();

    RequestSpecification as() {
        return given().auth().oauth2(TestAuth.tokenFor(tenant, "responder")).contentType(ContentType.JSON);
    }

    /** Creates a subscription and returns the answer (with its secret). */
    JsonPath subscribe(String json) {
        return as().body(json)
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    JsonPath subscribe(String channel, String target) {
        return subscribe("{\"channel\": \"" + channel + "\", \"target\": \"" + target + "\"}");
    }

    List<Map<String, Object>> deliveries(String subscriptionId) {
        return as().queryParam("subscription", subscriptionId)
                .queryParam("limit", 200)
                .get("/api/v1/deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
    }

    /** Waits until the subscription's deliveries satisfy {@code done}; returns them oldest first either way. */
    List<Map<String, Object>> awaitDeliveries(
            String subscriptionId, Predicate<List<Map<String, Object>>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, Object>> got = oldestFirst(deliveries(subscriptionId));
        while (!done.test(got) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            got = oldestFirst(deliveries(subscriptionId));
        }
        return got;
    }

    static Predicate<List<Map<String, Object>>> allSettled(int count) {
        return ds -> ds.size() == count
                && ds.stream()
                        .allMatch(d -> List.of("delivered", "dead", "cancelled").contains(d.get("status")));
    }

    private static List<Map<String, Object>> oldestFirst(List<Map<String, Object>> newestFirst) {
        List<Map<String, Object>> copy = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
