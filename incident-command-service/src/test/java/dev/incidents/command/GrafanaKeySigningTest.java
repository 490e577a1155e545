package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.TestAuth;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An integration key can have its own Grafana HMAC secret: requests with that key must then be signed with it (and
 * carry a recent signed timestamp), not with the installation's secret nor another key's. The secret is stored
 * encrypted and shown once.
 */
@QuarkusTest
@CommandServiceTest
class GrafanaKeySigningTest {

    private static final String INSTALLATION_SECRET = "grafana-test-secret"; // %test profile

    @Inject
    EventStoreProbe store;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void noDefaultCredentials() {
        Credentials.none();
    }

    private static RequestSpecification admin(String tenant) {
        return given().header("Authorization", "Bearer " + TestAuth.tokenFor(tenant, "admin"));
    }

    /** A new key of the default tenant: its id and the key itself. */
    private static String[] newKey() {
        Response r = admin("default")
                .contentType(ContentType.JSON)
                .body("{\"name\": \"grafana-" + UUID.randomUUID() + "\"}")
                .post("/api/v1/admin/api-keys");
        assertEquals(201, r.statusCode(), r.asString());
        return new String[] {r.path("apiKey.keyId"), r.path("key")};
    }

    private static Response post(String apiKey, String secret, long signedAt, String body) throws Exception {
        String ts = Long.toString(signedAt);
        return given().contentType(ContentType.JSON)
                .header("X-Api-Key", apiKey)
                .header("X-Grafana-Alerting-Signature-Timestamp", ts)
                .header("X-Grafana-Alerting-Signature", GrafanaIngestTest.sign(secret, ts, body))
                .body(body)
                .post("/api/v1/integrations/grafana");
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aKeyWithItsOwnSecret_takesOnlyRequestsSignedWithIt() throws Exception {
        String[] first = newKey();
        String[] second = newKey();
        Response set = admin("default").put("/api/v1/admin/api-keys/" + first[0] + "/grafana-signing");
        set.then()
                .statusCode(200)
                .body("keyId", equalTo(first[0]))
                .body("signatureHeader", equalTo("X-Grafana-Alerting-Signature"))
                .body("timestampHeader", equalTo("X-Grafana-Alerting-Signature-Timestamp"));
        String firstSecret = set.path("secret");
        assertTrue(firstSecret.length() >= 32, firstSecret);
        String secondSecret = "the second key's own secret";
        admin("default")
                .contentType(ContentType.JSON)
                .body("{\"secret\": \"" + secondSecret + "\"}")
                .put("/api/v1/admin/api-keys/" + second[0] + "/grafana-signing")
                .then()
                .statusCode(200)
                .body("secret", nullValue()); // given, so not echoed

        long before = store.totalEvents();
        String body = GrafanaIngestTest.body("own-" + System.nanoTime());
        post(first[1], INSTALLATION_SECRET, now(), body).then().statusCode(401);
        post(first[1], secondSecret, now(), body).then().statusCode(401);
        post(second[1], firstSecret, now(), body).then().statusCode(401);
        post(first[1], firstSecret, now() - 400, body)
                .then()
                .statusCode(401)
                .body("detail", containsString("replayed"));
        given().contentType(ContentType.JSON)
                .header("X-Api-Key", first[1])
                .header("X-Grafana-Alerting-Signature", GrafanaIngestTest.sign(firstSecret, "", body))
                .body(body)
                .post("/api/v1/integrations/grafana")
                .then()
                .statusCode(401); // its own secret asks for the signed timestamp too
        assertEquals(before, store.totalEvents(), "nothing of a refused request");

        post(first[1], firstSecret, now(), body).then().statusCode(202);
        String other = GrafanaIngestTest.body("own2-" + System.nanoTime());
        post(second[1], secondSecret, now(), other).then().statusCode(202);
        assertEquals(before + 4, store.totalEvents());

        // Kept encrypted, bound to its key; the list says which keys have one, never the secret.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select grafana_secret from api_key where key_id = ?")) {
            ps.setString(1, first[0]);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                String stored = rs.getString(1);
                assertTrue(stored.startsWith("enc1:test:"), stored);
                assertFalse(stored.contains(firstSecret));
            }
        }
        String listed = admin("default").get("/api/v1/admin/api-keys").asString();
        assertFalse(listed.contains(firstSecret) || listed.contains("enc1:"), listed);
        assertTrue(listed.contains("\"grafanaSigning\":true"), listed);

        // Taken away: the installation's secret applies to the key again.
        admin("default")
                .delete("/api/v1/admin/api-keys/" + first[0] + "/grafana-signing")
                .then()
                .statusCode(204);
        String third = GrafanaIngestTest.body("own3-" + System.nanoTime());
        post(first[1], firstSecret, now(), third).then().statusCode(401);
        post(first[1], INSTALLATION_SECRET, now(), third).then().statusCode(202);
    }

    @Test
    void onlyTheKeysOwnTenantsAdmin_setsItsSecret_andTheSecretIsChecked() {
        String[] key = newKey();
        admin("globex")
                .put("/api/v1/admin/api-keys/" + key[0] + "/grafana-signing")
                .then()
                .statusCode(404);
        given().header("Authorization", "Bearer " + TestAuth.token("responder"))
                .put("/api/v1/admin/api-keys/" + key[0] + "/grafana-signing")
                .then()
                .statusCode(403);
        admin("default")
                .contentType(ContentType.JSON)
                .body("{\"secret\": \"short\"}")
                .put("/api/v1/admin/api-keys/" + key[0] + "/grafana-signing")
                .then()
                .statusCode(400)
                .body("errors[0].field", containsString("secret"));
        admin("default")
                .contentType(ContentType.JSON)
                .body("{\"timestampHeader\": \"X-Bad Header\"}")
                .put("/api/v1/admin/api-keys/" + key[0] + "/grafana-signing")
                .then()
                .statusCode(400)
                .body("errors[0].field", containsString("timestampHeader"));
        admin("default")
                .put("/api/v1/admin/api-keys/no-such-key/grafana-signing")
                .then()
                .statusCode(404);
        admin("default")
                .delete("/api/v1/admin/api-keys/no-such-key/grafana-signing")
                .then()
                .statusCode(404);
    }
}
