package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ingest is limited per API key and per tenant: past the bucket, 429 problem+json with Retry-After and nothing
 * stored; another tenant is not affected. Rates here are tiny (a bucket of 5 per key and 8 per tenant, refilled
 * once a minute or slower) so that the burst, not the clock of a busy machine, decides.
 */
@QuarkusTest
@CommandServiceTest
@TestProfile(RateLimitTest.TinyLimits.class)
class RateLimitTest {

    public static class TinyLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "incidents.ingest.rate-limit.per-key",
                    "0.01",
                    "incidents.ingest.rate-limit.per-tenant",
                    "0.016",
                    "incidents.ingest.rate-limit.burst-seconds",
                    "500");
        }
    }

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void noDefaultCredentials() {
        Credentials.none();
    }

    @Test
    void overTheKeysOrTheTenantsLimit_is429WithRetryAfter_andStoresNothing_otherTenantsUnaffected() {
        String tenant = "rl-" + System.nanoTime();
        String keyA = key(tenant, "a");
        String keyB = key(tenant, "b");
        String other = key("rl-other-" + System.nanoTime(), "c");

        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            accepted += send(keyA, "a" + i) ? 1 : 0;
        }
        assertEquals(5, accepted, "key A: its bucket of 5");
        int acceptedB = 0;
        for (int i = 0; i < 10; i++) {
            acceptedB += send(keyB, "b" + i) ? 1 : 0;
        }
        assertEquals(3, acceptedB, "key B: what is left of the tenant's 8");
        assertTrue(send(other, "c0"), "another tenant has buckets of its own");
    }

    private boolean send(String key, String dedupKey) {
        long before = store.totalEvents();
        Response r = given().contentType(ContentType.JSON)
                .header("X-Api-Key", key)
                .body("{\"source\": \"rl\", \"dedupKey\": \"" + dedupKey + "-" + System.nanoTime()
                        + "\", \"title\": \"t\"}")
                .when()
                .post("/api/v1/events");
        if (r.statusCode() == 429) {
            assertEquals("application/problem+json", r.contentType());
            assertTrue(Long.parseLong(r.header("Retry-After")) >= 1, "Retry-After " + r.header("Retry-After"));
            assertEquals(before, store.totalEvents(), "a refused request stores nothing");
            return false;
        }
        assertEquals(202, r.statusCode(), r.asString());
        return true;
    }

    private static String key(String tenant, String name) {
        return given().contentType(ContentType.JSON)
                .auth()
                .oauth2(TestAuth.tokenFor(tenant, "admin"))
                .body("{\"name\": \"" + name + "\"}")
                .when()
                .post("/api/v1/admin/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }
}
