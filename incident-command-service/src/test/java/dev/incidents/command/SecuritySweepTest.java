package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.RouteSweep;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every documented route, under every spelling of its path, refuses a caller without credentials and a caller
 * with the wrong kind of credential (an API key on people's endpoints, a person's token on integrations), and
 * nothing is stored. The example bodies of the OpenAPI document are valid requests, so an endpoint left open
 * would answer 2xx here.
 */
@QuarkusTest
@CommandServiceTest
class SecuritySweepTest {

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void noDefaultCredentials() {
        Credentials.none();
    }

    @Test
    void noRouteOpensWithoutTheRightKindOfCredential() {
        String incidentId = given().contentType(ContentType.JSON)
                .auth()
                .oauth2(TestAuth.token("responder"))
                .body("{\"title\": \"Sweep target\", \"severity\": \"SEV3\"}")
                .when()
                .post("/api/v1/incidents")
                .then()
                .statusCode(201)
                .extract()
                .path("incidentId");
        String keyId = given().contentType(ContentType.JSON)
                .auth()
                .oauth2(TestAuth.token("admin"))
                .body("{\"name\": \"sweep\"}")
                .when()
                .post("/api/v1/admin/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("apiKey.keyId");
        long events = store.totalEvents();
        long liveKeys = store.count("select count(*) from api_key where revoked_at is null");

        var sweep = new RouteSweep(root, management);
        List<RouteSweep.Route> routes = sweep.routes();
        assertTrue(routes.size() >= 20, "the OpenAPI document lists the command service's routes: " + routes);
        String token = "Bearer " + TestAuth.tokenFor("default", "responder", "admin");
        var attempts = sweep.sweep(
                routes,
                parameter -> switch (parameter) {
                    case "keyId" -> keyId;
                    case "itemId" -> "0";
                    default -> incidentId;
                },
                route -> {
                    Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
                    credentials.put("none", Map.of());
                    if (integration(route.template())) {
                        credentials.put("person's token", Map.of("Authorization", token));
                    } else {
                        credentials.put("API key", Map.of("X-Api-Key", TestAuth.API_KEY));
                        credentials.put("API key as bearer", Map.of("Authorization", "Bearer " + TestAuth.API_KEY));
                    }
                    return credentials;
                });

        var opened = attempts.stream().filter(RouteSweep.Attempt::succeeded).toList();
        System.out.printf(
                "[security] %d routes x variants x credentials: %d requests, %d answered 2xx%n",
                routes.size(), attempts.size(), opened.size());
        assertEquals(List.of(), opened, "requests that got through without the right credential");
        assertEquals(
                List.of(), attempts.stream().filter(a -> a.status() >= 500).toList(), "requests that failed with 5xx");
        assertEquals(events, store.totalEvents(), "nothing appended");
        assertEquals(
                liveKeys,
                store.count("select count(*) from api_key where revoked_at is null"),
                "no key created or revoked");

        // The control: the same example bodies with the right credential on the canonical path are accepted
        // (Grafana's also needs the HMAC signature the tests configure).
        for (var route : routes) {
            if (integration(route.template()) && !route.template().contains("grafana")) {
                given().contentType(ContentType.JSON)
                        .header("X-Api-Key", TestAuth.API_KEY)
                        .body(route.exampleBody())
                        .when()
                        .post(route.template())
                        .then()
                        .statusCode(202);
            }
        }
    }

    private static boolean integration(String path) {
        return path.startsWith("/api/v1/integrations/") || path.equals("/api/v1/events");
    }
}
