package dev.incidents.command;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@CommandServiceTest
class AuthenticationTest {

    private static final String DECLARE = "{\"title\": \"Queue backlog\", \"severity\": \"SEV3\"}";
    private static final String EVENT = "{\"source\": \"probe\", \"dedupKey\": \"%s\", \"title\": \"Backlog\"}";

    @Inject
    EventStoreProbe store;

    @BeforeEach
    void noDefaultCredentials() {
        Credentials.none();
    }

    @Test
    void command_withoutToken_is401_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON).body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", startsWith("Bearer"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer not-a-token").body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(401);
        assertEquals(before, store.totalEvents());
    }

    @Test
    void tokenWithoutTenant_getsNoRole_403_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenWithoutTenant("responder", "admin")).body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestAuth.tokenWithoutTenant("admin")).when().get("/api/v1/admin/api-keys").then().statusCode(403);
        assertEquals(before, store.totalEvents());
    }

    @Test
    void tokenForAnotherAudience_orForNone_is401() {
        for (String token : new String[] {TestAuth.tokenForAudience("another-system", "responder"), TestAuth.tokenForAudience(null, "responder")}) {
            given().contentType(ContentType.JSON).auth().oauth2(token).body(DECLARE)
                    .when().post("/api/v1/incidents")
                    .then().statusCode(401).contentType("application/problem+json");
        }
    }

    @Test
    void personsToken_onAnIntegration_is401_andAnApiKey_onPeoplesEndpoints_isRefused() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.token("responder", "admin")).body(EVENT.formatted("token-" + System.nanoTime()))
                .when().post("/api/v1/events")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("X-Api-Key", TestAuth.API_KEY).body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(401);
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.API_KEY).body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(401);
        assertEquals(before, store.totalEvents());
    }

    @Test
    void viewer_cannotCommand_403() {
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.token("viewer")).body(DECLARE)
                .when().post("/api/v1/incidents")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void anotherTenantsIncident_doesNotExistForTheCaller_404() {
        String id = given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("acme", "responder")).body(DECLARE)
                .when().post("/api/v1/incidents").then().statusCode(201).extract().path("incidentId");
        assertEquals("acme", store.events(id).get(0).tenant());
        assertEquals("tester", store.events(id).get(0).actor());

        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("globex", "responder")).body("{}")
                .when().post("/api/v1/incidents/{id}/acknowledge", id)
                .then().statusCode(404);
        assertEquals(1, store.types(id).size());
    }

    @Test
    void ifMatch_onAnotherTenantsIncident_answersLikeAMissingOne_andNeverTellsItsSequence() {
        String id = given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("acme", "responder")).body(DECLARE)
                .when().post("/api/v1/incidents").then().statusCode(201).extract().path("incidentId");
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("acme", "responder")).body("{}")
                .when().post("/api/v1/incidents/{id}/acknowledge", id).then().statusCode(202);
        String missing = "0190aaaa-0000-7000-8000-000000000000";
        for (String expected : new String[] {"\"0\"", "\"1\"", "\"2\"", "\"7\""}) {
            var theirs = given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("globex", "responder")).header("If-Match", expected)
                    .body("{}").when().post("/api/v1/incidents/{id}/acknowledge", id).then().extract();
            var none = given().contentType(ContentType.JSON).auth().oauth2(TestAuth.tokenFor("globex", "responder")).header("If-Match", expected)
                    .body("{}").when().post("/api/v1/incidents/{id}/acknowledge", missing).then().extract();
            assertEquals(404, theirs.statusCode(), "If-Match " + expected + ": " + theirs.asString());
            assertEquals(none.statusCode(), theirs.statusCode());
            assertEquals(none.asString().replace(missing, id), theirs.asString(), "the same answer as for a missing incident");
        }
        assertEquals(2, store.types(id).size());
    }

    @Test
    void integration_withoutKey_orWithAWrongOne_is401_andStoresNothing() {
        long before = store.totalEvents();
        given().contentType(ContentType.JSON).body(EVENT.formatted("k1"))
                .when().post("/api/v1/events")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("X-Api-Key", "ik_wrong").body(EVENT.formatted("k1"))
                .when().post("/api/v1/integrations/alertmanager")
                .then().statusCode(401);
        assertEquals(before, store.totalEvents());
    }

    @Test
    void integrationKey_asBearer_isAccepted_andNamesTheActorAndTenant() {
        String id = given().contentType(ContentType.JSON).auth().oauth2(TestAuth.API_KEY).body(EVENT.formatted("bearer-" + System.nanoTime()))
                .when().post("/api/v1/events").then().statusCode(202).extract().path("incidentId");
        assertEquals("integration:bootstrap", store.events(id).get(0).actor());
        assertEquals("default", store.events(id).get(0).tenant());
    }

    @Test
    void adminCreatesAKey_thatWorksUntilRevoked() {
        String admin = TestAuth.tokenFor("acme", "admin");
        var created = given().contentType(ContentType.JSON).auth().oauth2(admin).body("{\"name\": \"prometheus-eu\"}")
                .when().post("/api/v1/admin/api-keys")
                .then().statusCode(201).body("apiKey.tenant", equalTo("acme")).body("key", startsWith("ik_"))
                .extract();
        String key = created.path("key");
        String keyId = created.path("apiKey.keyId");
        given().auth().oauth2(admin).when().get("/api/v1/admin/api-keys").then().statusCode(200).body("name", hasItem("prometheus-eu"));

        String id = given().contentType(ContentType.JSON).header("X-Api-Key", key).body(EVENT.formatted("acme-" + System.nanoTime()))
                .when().post("/api/v1/events").then().statusCode(202).extract().path("incidentId");
        assertEquals("acme", store.events(id).get(0).tenant(), "the key decides the tenant");
        assertEquals("integration:prometheus-eu", store.events(id).get(0).actor());

        given().auth().oauth2(admin).when().delete("/api/v1/admin/api-keys/{id}", keyId).then().statusCode(204);
        given().contentType(ContentType.JSON).header("X-Api-Key", key).body(EVENT.formatted("acme-2"))
                .when().post("/api/v1/events").then().statusCode(401);
    }

    @Test
    void responder_cannotManageKeys_403() {
        given().contentType(ContentType.JSON).auth().oauth2(TestAuth.token("responder")).body("{\"name\": \"x\"}")
                .when().post("/api/v1/admin/api-keys").then().statusCode(403);
    }
}
