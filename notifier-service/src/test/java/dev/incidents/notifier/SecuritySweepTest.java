package dev.incidents.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.RouteSweep;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every documented route of the notifier, under every spelling of its path, refuses a caller without
 * credentials, with an integration API key, with a token that names no tenant and with a token issued for
 * another audience; no subscription is created or deleted by the attempts.
 */
@QuarkusTest
@NotifierServiceTest
class SecuritySweepTest {

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    private final Api api = new Api();

    @Test
    void noRouteOpensWithoutAProperToken() {
        String subscriptionId =
                api.subscribe("webhook", "https://hooks.example.com/sweep").getString("id");
        int subscriptions = subscriptions();

        var sweep = new RouteSweep(root, management);
        List<RouteSweep.Route> routes = sweep.routes();
        assertTrue(routes.size() >= 6, "the OpenAPI document lists the notifier's routes: " + routes);
        Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
        credentials.put("none", Map.of());
        credentials.put("API key", Map.of("X-Api-Key", TestAuth.API_KEY));
        credentials.put("API key as bearer", Map.of("Authorization", "Bearer " + TestAuth.API_KEY));
        credentials.put(
                "token without tenant",
                Map.of("Authorization", "Bearer " + TestAuth.tokenWithoutTenant("responder", "admin")));
        credentials.put(
                "token for another audience",
                Map.of("Authorization", "Bearer " + TestAuth.tokenForAudience("other", "responder", "admin")));
        var attempts = sweep.sweep(routes, parameter -> subscriptionId, route -> credentials);

        var opened = attempts.stream().filter(RouteSweep.Attempt::succeeded).toList();
        System.out.printf(
                "[security] %d routes x variants x credentials: %d requests, %d answered 2xx%n",
                routes.size(), attempts.size(), opened.size());
        assertEquals(List.of(), opened, "requests that got through without a proper token");
        assertEquals(
                List.of(), attempts.stream().filter(a -> a.status() >= 500).toList(), "requests that failed with 5xx");
        assertEquals(subscriptions, subscriptions(), "no subscription created or deleted");
    }

    private int subscriptions() {
        return api.as()
                .get("/api/v1/subscriptions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$")
                .size();
    }
}
