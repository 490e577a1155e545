package dev.incidents.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriptions pages against a stub of the notifier's API: targets shown safely, the signing secret shown on the
 * creation's answer only (no-store) and on no other page even when the API answered it, the delivery log with its
 * attempts in the reader's zone, redeliver and a two-step delete, no write button for a viewer (and their writes
 * refused by the console), CSRF on every form, sign-in for anyone else. The stub answers as the notifier does and
 * records every request, so a test also sees what the console did not send.
 */
@QuarkusTest
@WithTestResource(DevKeyResource.class)
@TestProfile(SubscriptionsPageTest.StubbedNotifier.class)
class SubscriptionsPageTest {

    static final String WEBHOOK = "0196a1b2-0000-7000-8000-000000000001";
    static final String SLACK = "0196a1b2-0000-7000-8000-000000000002";
    static final String CREATED = "0196a1b2-0000-7000-8000-000000000003";
    /** The signing secret the stub answers on creation, and (as a careless service might) on every read. */
    static final String SECRET = "whsec_c3ViLXNlY3JldC1zaG93bi1vbmNlLW9ubHk=";

    static final String SLACK_PATH_SECRET = "T0001/B0002/slackPathIsACredential";
    static final String WEBHOOK_QUERY_SECRET = "token=queryIsACredential";

    static final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    static HttpServer stub;

    public static class StubbedNotifier implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("console.notifier-url", "http://127.0.0.1:" + startStub());
        }
    }

    static String subscription(String id, String channel, String target, String status, String reason) {
        return """
                {"id": "%s", "channel": "%s", "target": "%s", "services": ["checkout"], "severities": ["SEV1"],
                 "eventTypes": [], "status": "%s", %s "createdAt": "2026-03-01T08:00:00Z", "createdBy": "ada",
                 "secret": "%s"}""".formatted(
                id, channel, target, status, reason == null ? "" : "\"statusReason\": \"" + reason + "\",", SECRET);
    }

    static final String LIST = "["
            + subscription(
                    WEBHOOK, "webhook", "https://hooks.example.com/in/ops?" + WEBHOOK_QUERY_SECRET, "active", null)
            + ","
            + subscription(
                    SLACK,
                    "slack",
                    "https://hooks.slack.com/services/" + SLACK_PATH_SECRET,
                    "disabled",
                    "the target answered 410 Gone")
            + "]";

    static final String DELIVERIES = """
            {"items": [
              {"id": 42, "subscription": "%1$s", "channel": "webhook", "incidentId": "0196-inc-1", "sequence": 3,
               "eventType": "IncidentAcknowledged", "status": "retrying", "attempts": 1, "lastStatusCode": 503,
               "createdAt": "2026-03-01T09:00:00Z", "nextAttemptAt": "2026-03-01T09:00:30Z",
               "attemptLog": [{"attempt": 1, "attemptedAt": "2026-03-01T09:00:01Z", "statusCode": 503,
                               "durationMs": 87}]},
              {"id": 41, "subscription": "%1$s", "channel": "webhook", "incidentId": "0196-inc-1", "sequence": 1,
               "eventType": "IncidentDeclared", "status": "dead", "attempts": 2, "lastError": "target unreachable",
               "createdAt": "2026-03-01T08:30:00Z",
               "attemptLog": [{"attempt": 1, "attemptedAt": "2026-03-01T08:30:01Z", "statusCode": 401,
                               "durationMs": 12},
                              {"attempt": 2, "attemptedAt": "2026-03-01T08:31:01Z", "error": "target unreachable",
                               "durationMs": 3001}]}],
             "nextCursor": "41"}""".formatted(WEBHOOK);

    static synchronized int startStub() {
        if (stub == null) {
            try {
                stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stub.createContext("/api/v1/", SubscriptionsPageTest::answer);
            stub.start();
        }
        return stub.getAddress().getPort();
    }

    private static void answer(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(method + " " + path + (query == null ? "" : "?" + query) + " " + body + " ["
                    + ex.getRequestHeaders().getFirst("Authorization") + "]");
            if (method.equals("GET") && path.equals("/api/v1/subscriptions")) {
                send(ex, 200, "application/json", LIST);
            } else if (method.equals("POST") && path.equals("/api/v1/subscriptions")) {
                if (body.contains("\"ftp://")) {
                    send(ex, 400, "application/problem+json", """
                            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 400,
                             "detail": "target: must be an http or https URL",
                             "errors": [{"field": "target", "message": "must be an http or https URL"}]}""");
                } else {
                    send(
                            ex,
                            201,
                            "application/json",
                            subscription(CREATED, "webhook", "https://hooks.example.com/new", "active", null));
                }
            } else if (method.equals("GET") && path.startsWith("/api/v1/subscriptions/")) {
                String id = path.substring("/api/v1/subscriptions/".length());
                send(
                        ex,
                        200,
                        "application/json",
                        subscription(id, "webhook", "https://hooks.example.com/in/ops", "active", null));
            } else if (method.equals("GET") && path.equals("/api/v1/deliveries")) {
                send(ex, 200, "application/json", DELIVERIES);
            } else if (method.equals("POST") && path.startsWith("/api/v1/deliveries/")) {
                send(ex, 202, "application/json", "{\"id\": 41, \"status\": \"pending\"}");
            } else if (method.equals("POST") && path.endsWith("/enable")) {
                send(
                        ex,
                        200,
                        "application/json",
                        subscription(SLACK, "slack", "https://hooks.slack.com/x", "active", null));
            } else if (method.equals("DELETE")) {
                ex.sendResponseHeaders(204, -1);
            } else {
                send(ex, 404, "application/problem+json", "{\"status\": 404, \"title\": \"Not found\"}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private final String responder =
            DevKeyResource.tokens.token("ada", "default", List.of("responder"), Duration.ofHours(1));
    private final String viewer =
            DevKeyResource.tokens.token("vera", "default", List.of("viewer"), Duration.ofHours(1));
    private String csrfCookie;
    private String csrfField;

    @BeforeEach
    void csrfPair() {
        Response form = given().when().get("/sign-in");
        csrfCookie = form.getCookie("console-csrf");
        csrfField = form.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        received.clear();
    }

    private RequestSpecification as(String session) {
        return given().redirects()
                .follow(false)
                .accept("text/html")
                .cookie("console_session", session)
                .cookie("console-csrf", csrfCookie);
    }

    private List<String> sent(String prefix) {
        return received.stream().filter(r -> r.startsWith(prefix)).toList();
    }

    @Test
    void theList_showsEachSubscription_withItsTargetMadeSafe_andNoSecret() {
        String page = as(responder)
                .when()
                .get("/subscriptions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(page.contains("href=\"/subscriptions/" + WEBHOOK + "\""), page);
        assertTrue(page.contains("https://hooks.example.com/in/ops?…"), "a webhook without its query: " + page);
        assertTrue(page.contains("https://hooks.slack.com/…"), "a Slack URL by its host: " + page);
        assertTrue(page.contains("the target answered 410 Gone"), "a disabled one says why");
        assertTrue(page.contains("services: checkout; severities: SEV1"), page);
        assertTrue(page.contains("2026-03-01 08:00:00 +00:00"), page);
        assertFalse(page.contains(SLACK_PATH_SECRET), "the Slack URL's path is a credential");
        assertFalse(page.contains(WEBHOOK_QUERY_SECRET), "a webhook's query may be a credential");
        assertFalse(page.contains(SECRET), "a signing secret on the list");
        // A responder's writes: the create form, delete for each, enable for the disabled one only.
        assertTrue(page.contains("id=\"create\""));
        assertTrue(page.contains("href=\"/subscriptions/" + WEBHOOK + "/delete\""));
        assertTrue(page.contains("action=\"/subscriptions/" + SLACK + "/enable\""));
        assertFalse(page.contains("action=\"/subscriptions/" + WEBHOOK + "/enable\""));
        assertTrue(page.contains("id=\"nav-subscriptions\""), "in the navigation");
        assertTrue(page.contains("<option value=\"UTC\" selected>"), "the default zone named as the chooser names it");
        assertEquals(1, sent("GET /api/v1/subscriptions ").size());
        assertTrue(sent("GET /api/v1/subscriptions ").get(0).endsWith("[Bearer " + responder + "]"));
    }

    @Test
    void create_showsTheSecretOnce_notCached_andNeitherTheListNorTheDetailShowsItAgain() {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger.getLogger("").addHandler(capture);
        try {
            createAndLook();
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }
        assertTrue(logged.stream().noneMatch(line -> line.contains(SECRET)), "the secret in the log");
    }

    private void createAndLook() {
        Response created = as(responder)
                .formParam("csrf-token", csrfField)
                .formParam("channel", "webhook")
                .formParam("target", " https://hooks.example.com/new ")
                .formParam("services", "checkout, payments,")
                .formParam("severities", "SEV1", "SEV2")
                .formParam("eventTypes", "IncidentDeclared")
                .when()
                .post("/subscriptions");
        created.then()
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .body(containsString("<code id=\"secret\">" + SECRET + "</code>"))
                .body(containsString("will not be shown again"));
        assertFalse(created.getHeader("Location").contains(SECRET), "the secret in a URL");
        assertTrue(
                created.getHeaders().getValues("Set-Cookie").stream().noneMatch(c -> c.contains(SECRET)),
                "the secret in a cookie");
        List<String> posts = sent("POST /api/v1/subscriptions ");
        assertEquals(1, posts.size());
        assertTrue(
                posts.get(0)
                        .contains("{\"channel\":\"webhook\",\"target\":\"https://hooks.example.com/new\","
                                + "\"services\":[\"checkout\",\"payments\"],\"severities\":[\"SEV1\",\"SEV2\"],"
                                + "\"eventTypes\":[\"IncidentDeclared\"]}"),
                posts.get(0));

        // The stub answers the secret on every read too: the console never shows it there.
        as(responder).when().get("/subscriptions").then().statusCode(200).body(not(containsString(SECRET)));
        as(responder)
                .when()
                .get("/subscriptions/" + CREATED)
                .then()
                .statusCode(200)
                .body(containsString(CREATED))
                .body(not(containsString(SECRET)));
    }

    @Test
    void aRefusalOfTheNotifier_isShownToThePerson_namingTheField() {
        as(responder)
                .formParam("csrf-token", csrfField)
                .formParam("channel", "webhook")
                .formParam("target", "ftp://files.example.com/")
                .when()
                .post("/subscriptions")
                .then()
                .statusCode(400)
                .contentType(containsString("text/html"))
                .body(containsString("The subscription was not created"))
                .body(containsString("target: must be an http or https URL"));
    }

    @Test
    void theDetail_showsItsDeliveryLog_withAttemptsInTheReadersZone_andPagesOnByCursor() {
        String page = as(responder)
                .cookie("tz", "Africa/Lagos")
                .when()
                .get("/subscriptions/" + WEBHOOK)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<String> reads = sent("GET /api/v1/deliveries");
        assertEquals(1, reads.size());
        assertTrue(
                reads.get(0).startsWith("GET /api/v1/deliveries?subscription=" + WEBHOOK + "&limit=20 "), reads.get(0));
        assertTrue(page.contains("id=\"delivery-42\""), page);
        assertTrue(page.contains("id=\"delivery-41\""), page);
        // Attempts: status code, error, duration, time in Africa/Lagos (UTC+1).
        assertTrue(page.contains("2026-03-01 09:30:01 +01:00"), page);
        assertTrue(page.contains("<td class=\"code\">401</td>"), page);
        assertTrue(page.contains("target unreachable"), page);
        assertTrue(page.contains("3001 ms"), page);
        // Redeliver for the dead one; the one still being tried has none (the notifier would refuse it).
        assertTrue(page.contains("action=\"/subscriptions/" + WEBHOOK + "/deliveries/41/redeliver\""), page);
        assertFalse(page.contains("/deliveries/42/redeliver"), page);
        assertTrue(page.contains("href=\"/subscriptions/" + WEBHOOK + "?cursor=41\""), page);
        assertFalse(page.contains(SECRET));

        received.clear();
        as(responder)
                .when()
                .get("/subscriptions/" + WEBHOOK + "?cursor=41")
                .then()
                .statusCode(200);
        assertTrue(sent("GET /api/v1/deliveries").get(0).contains("&cursor=41&"), received.toString());
    }

    @Test
    void redeliver_asksTheNotifier_andReturnsToTheLog() {
        as(responder)
                .formParam("csrf-token", csrfField)
                .when()
                .post("/subscriptions/" + WEBHOOK + "/deliveries/41/redeliver")
                .then()
                .statusCode(303)
                .header("Location", containsString("/subscriptions/" + WEBHOOK + "?redelivered=41"));
        assertEquals(1, sent("POST /api/v1/deliveries/41/redeliver ").size(), received.toString());
    }

    @Test
    void delete_takesAConfirmation_thenDeletes() {
        // A post that did not come from the confirmation page deletes nothing: it asks.
        as(responder)
                .formParam("csrf-token", csrfField)
                .when()
                .post("/subscriptions/" + WEBHOOK + "/delete")
                .then()
                .statusCode(303)
                .header("Location", containsString("/subscriptions/" + WEBHOOK + "/delete"));
        assertEquals(List.of(), sent("DELETE"));
        String confirm = as(responder)
                .when()
                .get("/subscriptions/" + WEBHOOK + "/delete")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(confirm.contains("method=\"post\" action=\"/subscriptions/" + WEBHOOK + "/delete\""), confirm);
        assertTrue(confirm.contains("name=\"confirm\" value=\"yes\""), confirm);
        assertEquals(List.of(), sent("DELETE"));

        as(responder)
                .formParam("csrf-token", csrfField)
                .formParam("confirm", "yes")
                .when()
                .post("/subscriptions/" + WEBHOOK + "/delete")
                .then()
                .statusCode(303)
                .header("Location", containsString("/subscriptions?deleted=" + WEBHOOK));
        assertEquals(1, sent("DELETE /api/v1/subscriptions/" + WEBHOOK + " ").size(), received.toString());
    }

    @Test
    void aViewer_seesNoWriteButton_andTheConsoleRefusesTheirWrites() {
        for (String path : List.of("/subscriptions", "/subscriptions/" + WEBHOOK)) {
            String page =
                    as(viewer).when().get(path).then().statusCode(200).extract().asString();
            assertFalse(page.contains("id=\"create\""), path);
            assertFalse(page.contains("/delete"), path);
            assertFalse(page.contains("/enable"), path);
            assertFalse(page.contains("redeliver"), path);
            assertFalse(page.contains("<form method=\"post\" action=\"/subscriptions"), path);
        }
        received.clear();
        Map<String, Map<String, String>> writes = Map.of(
                "/subscriptions",
                Map.of("channel", "webhook", "target", "https://hooks.example.com/x"),
                "/subscriptions/" + WEBHOOK + "/delete",
                Map.of("confirm", "yes"),
                "/subscriptions/" + SLACK + "/enable",
                Map.of(),
                "/subscriptions/" + WEBHOOK + "/deliveries/41/redeliver",
                Map.of());
        for (var write : writes.entrySet()) {
            as(viewer)
                    .formParam("csrf-token", csrfField)
                    .formParams(write.getValue())
                    .when()
                    .post(write.getKey())
                    .then()
                    .statusCode(403);
        }
        as(viewer).when().get("/subscriptions/" + WEBHOOK + "/delete").then().statusCode(403);
        assertEquals(List.of(), List.copyOf(received), "the console sent a viewer's write on");
    }

    @Test
    void everyPostFormOfThePages_carriesACsrfToken_andIsRefusedWithoutIt() {
        List<String> actions = new ArrayList<>();
        for (String path :
                List.of("/subscriptions", "/subscriptions/" + WEBHOOK, "/subscriptions/" + WEBHOOK + "/delete")) {
            String page = as(responder)
                    .when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            Matcher form = Pattern.compile(
                            "<form method=\"post\" action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL)
                    .matcher(page);
            while (form.find()) {
                assertTrue(form.group(2).contains("name=\"csrf-token\" value=\""), path + ": " + form.group());
                if (form.group(1).startsWith("/subscriptions")) {
                    actions.add(form.group(1));
                }
            }
        }
        assertTrue(
                actions.containsAll(List.of(
                        "/subscriptions",
                        "/subscriptions/" + SLACK + "/enable",
                        "/subscriptions/" + WEBHOOK + "/deliveries/41/redeliver",
                        "/subscriptions/" + WEBHOOK + "/delete")),
                actions.toString());
        received.clear();
        for (String action : actions) {
            as(responder)
                    .formParam("channel", "webhook")
                    .formParam("target", "https://hooks.example.com/x")
                    .formParam("confirm", "yes")
                    .when()
                    .post(action)
                    .then()
                    .statusCode(400);
            // A token that is not the cookie's is refused as well.
            as(responder)
                    .formParam("csrf-token", "not-" + csrfField)
                    .formParam("confirm", "yes")
                    .when()
                    .post(action)
                    .then()
                    .statusCode(400);
        }
        assertEquals(List.of(), List.copyOf(received), "a form without its CSRF token reached the notifier");
    }

    @Test
    void someoneNotSignedIn_isSentToSignIn_andCannotPost() {
        for (String path : List.of("/subscriptions", "/subscriptions/" + WEBHOOK)) {
            given().redirects()
                    .follow(false)
                    .accept("text/html")
                    .when()
                    .get(path)
                    .then()
                    .statusCode(302)
                    .header("Location", containsString("/sign-in?next="));
        }
        int status = given().redirects()
                .follow(false)
                .accept("text/html")
                .cookie("console-csrf", csrfCookie)
                .formParam("csrf-token", csrfField)
                .formParam("channel", "webhook")
                .formParam("target", "https://hooks.example.com/x")
                .when()
                .post("/subscriptions")
                .statusCode();
        assertTrue(status == 302 || status == 401, "status " + status);
        assertEquals(List.of(), List.copyOf(received));
    }
}
