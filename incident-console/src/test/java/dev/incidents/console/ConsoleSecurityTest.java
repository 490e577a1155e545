package dev.incidents.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.infra.DevTokens;
import dev.incidents.testsupport.RouteSweep;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's own pages are for signed-in people, whatever spelling of their path is asked, and refuse a forged or
 * foreign session; sign-in sets an HttpOnly, SameSite session cookie and refuses a post without its CSRF token.
 */
@QuarkusTest
@WithTestResource(DevKeyResource.class)
class ConsoleSecurityTest {

    static final String SUBSCRIPTION = "0196a1b2-0000-7000-8000-000000000001";

    /** Every route of the console that needs a signed-in person (OidcSignInTest sweeps them too). */
    static final Map<String, List<String>> SIGNED_IN_ROUTES = Map.of(
            "GET",
            List.of(
                    "/",
                    "/board/live",
                    "/events",
                    "/incidents/0196-abc",
                    "/incidents/0196-abc/postmortem",
                    "/incidents/0196-abc/postmortem/json",
                    "/metrics",
                    "/subscriptions",
                    "/subscriptions/" + SUBSCRIPTION,
                    "/subscriptions/" + SUBSCRIPTION + "/delete"),
            "POST",
            List.of(
                    "/incidents/0196-abc/acknowledge",
                    "/incidents/0196-abc/resolve",
                    "/subscriptions",
                    "/subscriptions/" + SUBSCRIPTION + "/delete",
                    "/subscriptions/" + SUBSCRIPTION + "/enable",
                    "/subscriptions/" + SUBSCRIPTION + "/deliveries/41/redeliver"));

    @TestHTTPResource("/")
    URI root;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Test
    void everySignedInPath_underEverySpelling_letsNoAnonymousCallerThrough() throws Exception {
        Map<String, List<String>> routes = SIGNED_IN_ROUTES;
        String foreign = DevTokens.generate().token("mallory", "default", List.of("admin"), Duration.ofHours(1));
        String expired = DevKeyResource.tokens.token("ada", "default", List.of("admin"), Duration.ofSeconds(-60));
        List<String> opened = new ArrayList<>();
        int sent = 0;
        for (var route : routes.entrySet()) {
            for (String path : route.getValue()) {
                // The sweep's spellings need a path of a few characters; the root gets its own.
                List<String> variants = path.equals("/")
                        ? List.of("/", "//", "/.", "/./", "/;x=1", "/?", "/%2e")
                        : RouteSweep.variants(path);
                for (String variant : variants) {
                    for (String cookie : new String[] {null, foreign, expired, "not-a-token"}) {
                        int status = send(route.getKey(), variant, cookie);
                        sent++;
                        if (status < 300 || status >= 500) {
                            opened.add(route.getKey() + " " + variant + " [" + (cookie == null ? "none" : "bad")
                                    + "] -> " + status);
                        }
                    }
                }
            }
        }
        assertTrue(sent > 100, "requests sent: " + sent);
        assertEquals(List.of(), opened, "requests that got through (or failed) without a valid session");
    }

    private String[] csrf;

    /** A CSRF cookie and the form field that goes with it, as the sign-in page hands them out. */
    private String[] csrf() {
        if (csrf == null) {
            Response form = given().when().get("/sign-in");
            csrf = new String[] {
                form.getCookie("console-csrf"), form.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value")
            };
        }
        return csrf;
    }

    private int send(String method, String path, String sessionCookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + root.getRawAuthority() + path))
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                // A valid CSRF pair: the form is refused for its session alone, or it got through
                                // (and then fails with 502: no services run behind this console).
                                : HttpRequest.BodyPublishers.ofString("etag=%221%22&csrf-token="
                                        + java.net.URLEncoder.encode(
                                                csrf()[1], java.nio.charset.StandardCharsets.UTF_8)));
        String cookies = "console-csrf=" + csrf()[0];
        if (sessionCookie != null) {
            cookies += "; console_session=" + sessionCookie;
        }
        r.header("Cookie", cookies);
        HttpResponse<Void> answer = http.send(r.build(), HttpResponse.BodyHandlers.discarding());
        return answer.statusCode();
    }

    @Test
    void aPage_sendsSomeoneNotSignedIn_toSignIn_andBackAfterwards() {
        given().redirects()
                .follow(false)
                .accept("text/html")
                .when()
                .get("/incidents/0196-abc")
                .then()
                .statusCode(302)
                .header("Location", containsString("/sign-in?next=%2Fincidents%2F0196-abc"));
    }

    @Test
    void signIn_setsAnHttpOnlySameSiteSession_andRefusesAPostWithoutItsCsrfToken() {
        Response form = given().when().get("/sign-in");
        form.then()
                .statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Content-Type-Options", "nosniff");
        String csrfCookie = form.getCookie("console-csrf");
        String csrfField = form.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");

        given().redirects()
                .follow(false)
                .cookie("console-csrf", csrfCookie)
                .formParams(Map.of("tenant", "default", "name", "ada", "role", "responder", "next", "/"))
                .accept("text/html")
                .when()
                .post("/sign-in")
                .then()
                .statusCode(400)
                // told what happened, not left with an empty page
                .contentType(containsString("text/html"))
                .body(containsString("reload the page and try again"));

        Response signedIn = given().redirects()
                .follow(false)
                .cookie("console-csrf", csrfCookie)
                .formParams(Map.of(
                        "csrf-token", csrfField,
                        "tenant", "default",
                        "name", "ada",
                        "role", "responder",
                        "next", "//evil.example/"))
                .when()
                .post("/sign-in");
        signedIn.then()
                .statusCode(303)
                .header("Location", equalTo(root.resolve("/").toString()));
        String setCookie = signedIn.getHeaders().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("console_session="))
                .findFirst()
                .orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);

        // Signed in, a page whose service cannot be reached says so (502), as a page, not a stack trace.
        given().cookie("console_session", signedIn.getCookie("console_session"))
                .accept("text/html")
                .when()
                .get("/")
                .then()
                .statusCode(502)
                .body(containsString("did not answer"));
        // And to a script, as a problem.
        given().cookie("console_session", signedIn.getCookie("console_session"))
                .accept("*/*")
                .when()
                .get("/board/live")
                .then()
                .statusCode(502)
                .contentType(startsWith("application/problem+json"));
    }

    @Test
    void aViewersWrite_isRefusedByTheConsole_evenWithAValidCsrfToken() {
        Response form = given().when().get("/sign-in");
        String csrfCookie = form.getCookie("console-csrf");
        String csrfField = form.htmlPath().getString("**.find { it.@name == 'csrf-token' }.@value");
        String viewer = DevKeyResource.tokens.token("vera", "default", List.of("viewer"), Duration.ofHours(1));
        String responder = DevKeyResource.tokens.token("ada", "default", List.of("responder"), Duration.ofHours(1));
        Map<String, String> acknowledge = Map.of("csrf-token", csrfField, "etag", "\"1\"");

        given().redirects()
                .follow(false)
                .cookie("console-csrf", csrfCookie)
                .cookie("console_session", viewer)
                .formParams(acknowledge)
                .when()
                .post("/incidents/0196-abc/acknowledge")
                .then()
                .statusCode(403);
        // The same request from a responder passes the console (and fails further on: no command service here), so
        // the 403 above is the viewer's, not the form's.
        given().redirects()
                .follow(false)
                .cookie("console-csrf", csrfCookie)
                .cookie("console_session", responder)
                .formParams(acknowledge)
                .when()
                .post("/incidents/0196-abc/acknowledge")
                .then()
                .statusCode(502);
    }
}
