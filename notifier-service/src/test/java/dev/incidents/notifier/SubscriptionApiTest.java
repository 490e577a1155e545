package dev.incidents.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@NotifierServiceTest
class SubscriptionApiTest {

    private final Api api = new Api();

    @Test
    void aTenantsQuotaOfSubscriptions_isKept_andDeletingOneFreesItsPlace() {
        String last = null;
        for (int i = 0; i < 8; i++) {
            last = api.subscribe("webhook", "https://hooks.example.com/quota/" + i)
                    .getString("id");
        }
        api.as()
                .body("{\"channel\": \"webhook\", \"target\": \"https://hooks.example.com/quota/9\"}")
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        new Api().subscribe("webhook", "https://hooks.example.com/other-tenant");
        api.as().delete("/api/v1/subscriptions/{id}", last).then().statusCode(204);
        api.subscribe("webhook", "https://hooks.example.com/quota/again");
    }

    @Test
    void webhookSubscription_showsItsSecretOnce() {
        JsonPath created = api.as()
                .body("""
                {"channel": "webhook", "target": "https://hooks.example.com/incidents", "services": ["auth", "billing"],
                 "severities": ["SEV1", "SEV2"], "eventTypes": ["IncidentDeclared", "IncidentResolved"], "description": "status page"}""")
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/subscriptions/"))
                .extract()
                .jsonPath();

        String secret = created.getString("secret");
        assertTrue(secret.startsWith("whsec_"), secret);
        assertTrue(Base64.getDecoder().decode(secret.substring(6)).length >= 24, "at least 24 random bytes");
        assertEquals("active", created.getString("status"));
        assertEquals(List.of("auth", "billing"), created.getList("services"));
        assertEquals("tester", created.getString("createdBy"));

        String id = created.getString("id");
        JsonPath one = api.as()
                .get("/api/v1/subscriptions/" + id)
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .extract()
                .jsonPath();
        assertEquals("https://hooks.example.com/incidents", one.getString("target"));
        assertFalse(one.getMap("").containsKey("secret"), "never shown again");
        List<Map<String, Object>> all = api.as()
                .get("/api/v1/subscriptions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("");
        assertEquals(1, all.size());
        assertFalse(all.get(0).containsKey("secret"));
    }

    @Test
    void slackAndEmailSubscriptions_haveNoSecret() {
        JsonPath slack = api.subscribe("slack", "https://hooks.slack.com/services/T000/B000/XXXX");
        JsonPath email = api.subscribe("email", "oncall@example.com");
        assertFalse(slack.getMap("").containsKey("secret"));
        assertFalse(email.getMap("").containsKey("secret"));
    }

    @Test
    void delete_cancelsTheSubscription_forItsTenantOnly() {
        String id = api.subscribe("email", "oncall@example.com").getString("id");
        given().auth()
                .oauth2(TestAuth.tokenFor("someone-else", "responder"))
                .delete("/api/v1/subscriptions/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestAuth.tokenFor("someone-else", "responder"))
                .get("/api/v1/subscriptions/" + id)
                .then()
                .statusCode(404);

        api.as().delete("/api/v1/subscriptions/" + id).then().statusCode(204);
        api.as().get("/api/v1/subscriptions/" + id).then().statusCode(404);
        api.as().delete("/api/v1/subscriptions/" + id).then().statusCode(404);
        assertEquals(
                0,
                api.as()
                        .get("/api/v1/subscriptions")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("")
                        .size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no channel          | {\"target\": \"https://a.example.com\"}                                   | channel",
                "unknown channel     | {\"channel\": \"pager\", \"target\": \"https://a.example.com\"}           | channel",
                "no target           | {\"channel\": \"webhook\"}                                                | target",
                "not a URL           | {\"channel\": \"webhook\", \"target\": \"not a url\"}                      | target",
                "ftp target          | {\"channel\": \"slack\", \"target\": \"ftp://files.example.com/x\"}        | target",
                "bad e-mail          | {\"channel\": \"email\", \"target\": \"oncall at example.com\"}            | target",
                "unknown severity    | {\"channel\": \"email\", \"target\": \"a@example.com\", \"severities\": [\"SEV9\"]} | severities[0]",
                "unknown event type  | {\"channel\": \"email\", \"target\": \"a@example.com\", \"eventTypes\": [\"Exploded\"]} | eventTypes[0]",
                "blank service       | {\"channel\": \"email\", \"target\": \"a@example.com\", \"services\": [\" \"]} | services[0]",
                "misspelt field      | {\"channel\": \"email\", \"target\": \"a@example.com\", \"service\": [\"auth\"]} | service",
                "wrong type          | {\"channel\": \"email\", \"target\": \"a@example.com\", \"services\": \"auth\"} | services",
                "not JSON            | {channel                                                                    | ''",
            })
    void badSubscriptions_areProblems_namingTheField_andNothingIsStored(String name, String body, String field) {
        var response = api.as()
                .body(body)
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .extract()
                .jsonPath();
        if (!field.isEmpty()) {
            assertTrue(response.getList("errors.field").contains(field), name + ": " + response.prettify());
        }
        assertEquals(
                0,
                api.as()
                        .get("/api/v1/subscriptions")
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("")
                        .size(),
                "nothing stored");
    }

    @Test
    void viewersAndStrangers_cannotManageSubscriptions() {
        String body = "{\"channel\": \"email\", \"target\": \"a@example.com\"}";
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/subscriptions")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestAuth.token("viewer"))
                .get("/api/v1/deliveries")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestAuth.token("admin"))
                .get("/api/v1/subscriptions")
                .then()
                .statusCode(200);
    }

    @Test
    void deliveryLog_rejectsUnknownFilters() {
        api.as()
                .queryParam("status", "lost")
                .get("/api/v1/deliveries")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("status"));
        api.as()
                .queryParam("limit", 0)
                .get("/api/v1/deliveries")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("limit"));
        api.as()
                .queryParam("cursor", "abc")
                .get("/api/v1/deliveries")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("cursor"));
        api.as().get("/api/v1/deliveries/abc").then().statusCode(404).body("type", startsWith("/problems/"));
    }
}
