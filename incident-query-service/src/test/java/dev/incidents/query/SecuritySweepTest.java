package dev.incidents.query;

import static io.restassured.RestAssured.given;
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
 * Every documented read, under every spelling of its path, refuses a caller without credentials, with an
 * integration API key, with a token that names no tenant and with a token issued for another audience. The
 * incident in the paths exists and is readable with a proper token, so a read left open would answer 2xx.
 */
@QuarkusTest
@QueryServiceTest
class SecuritySweepTest {

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void noRouteOpensWithoutAProperToken() {
        Events events = new Events();
        events.publish(events.declared());
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .queryParam("minSequence", 1)
                .when()
                .get("/api/v1/incidents/{id}", events.incidentId)
                .then()
                .statusCode(200);

        var sweep = new RouteSweep(root, management);
        List<RouteSweep.Route> documented = sweep.routes();
        assertTrue(documented.size() >= 8, "the OpenAPI document lists the query service's routes: " + documented);
        // The public status read needs no credentials on purpose (PublicStatusTest checks it shows public updates
        // only); any other route under /api/v1/public/ would have to be added here, deliberately.
        assertEquals(
                List.of("GET /api/v1/public/status/{tenant}"),
                documented.stream()
                        .filter(r -> r.template().startsWith(RouteSweep.PUBLIC_BY_DESIGN))
                        .map(r -> r.method() + " " + r.template())
                        .toList());
        List<RouteSweep.Route> routes = sweep.protectedRoutes();
        Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
        credentials.put("none", Map.of());
        credentials.put("API key", Map.of("X-Api-Key", TestAuth.API_KEY));
        credentials.put("API key as bearer", Map.of("Authorization", "Bearer " + TestAuth.API_KEY));
        credentials.put(
                "token without tenant",
                Map.of("Authorization", "Bearer " + TestAuth.tokenWithoutTenant("viewer", "admin")));
        credentials.put(
                "token for another audience",
                Map.of("Authorization", "Bearer " + TestAuth.tokenForAudience("other", "viewer", "admin")));
        var attempts = sweep.sweep(routes, parameter -> events.incidentId, route -> credentials);

        var opened = attempts.stream().filter(RouteSweep.Attempt::succeeded).toList();
        System.out.printf(
                "[security] %d routes x variants x credentials: %d requests, %d answered 2xx%n",
                routes.size(), attempts.size(), opened.size());
        assertEquals(List.of(), opened, "requests that got through without a proper token");
        assertEquals(
                List.of(), attempts.stream().filter(a -> a.status() >= 500).toList(), "requests that failed with 5xx");
    }
}
