package dev.incidents.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.incidents.console.TestIdentityProvider.User;
import dev.incidents.infra.DevTokens;
import dev.incidents.testsupport.RouteSweep;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Production sign-in: the console as an OIDC web-app (authorization code flow with PKCE) at {@link
 * TestIdentityProvider}, driven as a browser would (cookies kept, redirects followed one by one). The query service is
 * a stub that, like the real one, refuses a token that is expired or not issued for the audience {@code incidents}, and
 * remembers every bearer token it was sent. The development key is configured as well: with an identity provider it
 * must be ignored.
 */
@QuarkusTest
@TestProfile(OidcSignInTest.WithIdentityProvider.class)
class OidcSignInTest {

    static TestIdentityProvider provider;
    static HttpServer queryService;
    static DevTokens devTokens;
    static final List<String> bearerTokens = new CopyOnWriteArrayList<>();
    /** Tokens the query service refuses although they are good (revoked), and people whose tokens it refuses all. */
    static final Set<String> revoked = ConcurrentHashMap.newKeySet();

    static final Set<String> refusedPeople = ConcurrentHashMap.newKeySet();

    public static class WithIdentityProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            start();
            return Map.of(
                    "quarkus.oidc.auth-server-url",
                    provider.issuer(),
                    "quarkus.oidc.client-id",
                    TestIdentityProvider.CLIENT_ID,
                    "quarkus.oidc.credentials.secret",
                    TestIdentityProvider.CLIENT_SECRET,
                    "console.dev-sign-in.key-file",
                    devKeyFile(),
                    "console.query-url",
                    "http://127.0.0.1:" + queryService.getAddress().getPort(),
                    "console.command-url",
                    "http://127.0.0.1:9",
                    "console.notifier-url",
                    "http://127.0.0.1:9");
        }
    }

    static synchronized void start() {
        if (provider != null) {
            return;
        }
        provider = new TestIdentityProvider();
        try {
            queryService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        queryService.setExecutor(Executors.newCachedThreadPool());
        queryService.createContext("/api/v1/incidents", OidcSignInTest::query);
        queryService.start();
    }

    static String devKeyFile() {
        try {
            Path file = Files.createTempDirectory("console-oidc-test").resolve("dev-token-key.txt");
            devTokens = DevTokens.loadOrGenerate(file);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query service's checks that matter here: a bearer token, for audience incidents, not expired. */
    static void query(HttpExchange ex) throws IOException {
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (token != null) {
            bearerTokens.add(token);
        }
        JsonNode claims = token == null ? null : TestIdentityProvider.claimsOf(token);
        if (claims == null
                || !"incidents".equals(claims.path("aud").asText())
                || claims.path("exp").asLong() <= Instant.now().getEpochSecond()
                || revoked.contains(token)
                || refusedPeople.contains(claims.path("preferred_username").asText())) {
            send(ex, 401, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401}", null);
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals("/api/v1/incidents")) {
            send(ex, 200, "application/json", "{\"items\":[],\"nextCursor\":null}", null);
        } else if (path.equals("/api/v1/incidents/inc-1")) {
            send(
                    ex,
                    200,
                    "application/json",
                    "{\"incidentId\":\"inc-1\",\"title\":\"Checkout returns 500\",\"status\":\"triggered\","
                            + "\"severity\":\"SEV2\",\"services\":[\"checkout\"],\"sequence\":3}",
                    "\"3\"");
        } else if (path.equals("/api/v1/incidents/inc-1/timeline")) {
            send(ex, 200, "application/json", "{\"entries\":[]}", null);
        } else if (path.equals("/api/v1/incidents/inc-1/alerts")) {
            send(ex, 200, "application/json", "{\"total\":0,\"firing\":0,\"alerts\":[]}", null);
        } else {
            send(ex, 404, "application/problem+json", "{\"title\":\"Not found\",\"status\":404}", null);
        }
    }

    static void send(HttpExchange ex, int status, String type, String body, String etag) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (etag != null) {
            ex.getResponseHeaders().set("ETag", etag);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (ex) {
            ex.getResponseBody().write(bytes);
        }
    }

    @TestHTTPResource("/")
    URI console;

    /** A browser: its own cookies, redirects followed by hand so that each step can be seen. */
    final class Browser {
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        /** Every answer of the last navigation, first to last. */
        final List<HttpResponse<String>> steps = new ArrayList<>();

        HttpResponse<String> one(HttpRequest.Builder request) throws Exception {
            return http.send(request.header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Opens a console path (or any URL) and follows redirects until an answer that is not one. */
        HttpResponse<String> open(String pathOrUrl) throws Exception {
            steps.clear();
            return follow(one(HttpRequest.newBuilder(console.resolve(pathOrUrl))));
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            StringBuilder body = new StringBuilder();
            for (var f : form.entrySet()) {
                body.append(body.isEmpty() ? "" : "&")
                        .append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
            }
            steps.clear();
            return follow(one(HttpRequest.newBuilder(console.resolve(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
        }

        private HttpResponse<String> follow(HttpResponse<String> answer) throws Exception {
            steps.add(answer);
            for (int hops = 0; answer.statusCode() / 100 == 3 && hops < 10; hops++) {
                URI next = answer.uri()
                        .resolve(answer.headers().firstValue("Location").orElseThrow());
                answer = one(HttpRequest.newBuilder(next));
                steps.add(answer);
            }
            return answer;
        }

        /** Whether the last navigation passed through the identity provider's authorization endpoint. */
        boolean wentThroughProvider() {
            return steps.stream().anyMatch(s -> s.uri().toString().startsWith(provider.issuer() + "/authorize"));
        }

        String trail() {
            return steps.stream()
                    .map(s -> s.statusCode() + " " + s.uri())
                    .toList()
                    .toString();
        }
    }

    private static final Pattern CSRF = Pattern.compile("name=\"(csrf[^\"]*)\" value=\"([^\"]+)\"");

    static Map<String, String> csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertTrue(m.find(), "the page carries a CSRF token");
        return Map.of(m.group(1), m.group(2));
    }

    private static String who(String page) {
        Matcher m = Pattern.compile("id=\"who\">([^<]*)<").matcher(page);
        return m.find() ? m.group(1) : "(no header)";
    }

    @Test
    void anAnonymousPage_isSentToTheProvider_andAfterTheCodeExchangeTheBoardShowsThePerson_withTheAccessTokenForwarded()
            throws Exception {
        provider.next = new User("grace", "acme", List.of("responder"), Duration.ofHours(1));
        Browser browser = new Browser();

        HttpResponse<String> first = browser.one(HttpRequest.newBuilder(console.resolve("/")));
        assertEquals(302, first.statusCode());
        URI authorize = URI.create(first.headers().firstValue("Location").orElseThrow());
        assertTrue(authorize.toString().startsWith(provider.issuer() + "/authorize?"), authorize.toString());
        String query = authorize.getRawQuery();
        assertTrue(query.contains("code_challenge_method=S256"), "PKCE: " + query);
        assertTrue(query.contains("state="), query);
        assertTrue(query.contains("nonce="), query);
        assertTrue(
                query.contains("redirect_uri="
                        + URLEncoder.encode(console.resolve("/sign-in/callback").toString(), StandardCharsets.UTF_8)),
                query);

        int before = bearerTokens.size();
        HttpResponse<String> board = browser.open("/");
        assertEquals(200, board.statusCode(), browser.trail() + " refusals " + provider.refusals);
        assertTrue(browser.wentThroughProvider(), browser.trail());
        assertEquals("grace · acme · responder", who(board.body()));

        String accessToken = provider.accessTokens.get(provider.accessTokens.size() - 1);
        String idToken = provider.idTokens.get(provider.idTokens.size() - 1);
        List<String> sent = bearerTokens.subList(before, bearerTokens.size());
        assertFalse(sent.isEmpty(), "the board read the query service");
        assertTrue(sent.stream().allMatch(accessToken::equals), "the access token, never the ID token");
        assertFalse(sent.contains(idToken));

        // Signed in: the next page needs no trip to the provider.
        assertEquals(200, browser.open("/").statusCode());
        assertFalse(browser.wentThroughProvider(), browser.trail());
    }

    @Test
    void theDevelopmentSignIn_isOff_andItsSessionIsNotAccepted() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> signIn = browser.one(HttpRequest.newBuilder(console.resolve("/sign-in")));
        assertEquals(303, signIn.statusCode(), "the form is not shown: " + signIn.body());
        assertFalse(signIn.body().contains("id=\"sign-in\""));

        // A valid development session, signed with the configured key: with an identity provider it is nobody.
        String dev = devTokens.token("mallory", "acme", List.of("admin"), Duration.ofHours(1));
        HttpResponse<String> page =
                browser.one(HttpRequest.newBuilder(console.resolve("/")).header("Cookie", "console_session=" + dev));
        assertEquals(302, page.statusCode());
        assertTrue(page.headers().firstValue("Location").orElse("").startsWith(provider.issuer() + "/authorize"));

        // Posting the development form (with a good CSRF pair, so only the sign-in itself can refuse): 404.
        provider.next = new User("grace", "acme", List.of("responder"), Duration.ofHours(1));
        Map<String, String> csrf = csrf(browser.open("/").body());
        HttpResponse<String> posted = browser.one(HttpRequest.newBuilder(console.resolve("/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        csrf.entrySet().iterator().next().getKey() + "="
                                + csrf.values().iterator().next() + "&tenant=other&name=mallory&role=admin&next=/")));
        assertEquals(404, posted.statusCode());
        assertTrue(
                posted.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("console_session=ey")));
    }

    @Test
    void aViewer_seesNoWriteButtons_whereAResponderDoes() throws Exception {
        provider.next = new User("vic", "acme", List.of("viewer"), Duration.ofHours(1));
        Browser viewer = new Browser();
        HttpResponse<String> page = viewer.open("/incidents/inc-1");
        assertEquals(200, page.statusCode(), viewer.trail());
        assertEquals("vic · acme · viewer", who(page.body()));
        assertTrue(page.body().contains("Checkout returns 500"));
        assertFalse(page.body().contains("id=\"acknowledge\""), "no write button for a viewer");
        assertFalse(page.body().contains("aria-label=\"Actions\""));

        provider.next = new User("rita", "acme", List.of("responder"), Duration.ofHours(1));
        Browser responder = new Browser();
        HttpResponse<String> same = responder.open("/incidents/inc-1");
        assertEquals(200, same.statusCode(), responder.trail());
        assertTrue(same.body().contains("id=\"acknowledge\""), "a responder has the buttons on the same page");
    }

    @Test
    void signOut_endsTheSession_hereAndAtTheProvider() throws Exception {
        provider.next = new User("sam", "acme", List.of("responder"), Duration.ofHours(1));
        Browser browser = new Browser();
        HttpResponse<String> board = browser.open("/");
        assertEquals(200, board.statusCode(), browser.trail());
        int logouts = provider.logouts.size();
        String idToken = provider.idTokens.get(provider.idTokens.size() - 1);

        HttpResponse<String> out = browser.post("/sign-in/out", csrf(board.body()));
        assertEquals(200, out.statusCode(), browser.trail());
        assertTrue(out.body().contains("id=\"signed-out\""), out.body());
        assertEquals(logouts + 1, provider.logouts.size(), "RP-initiated logout at the provider: " + browser.trail());
        assertTrue(provider.logouts.get(logouts).contains("id_token_hint=" + idToken), provider.logouts.get(logouts));

        HttpResponse<String> again = browser.one(HttpRequest.newBuilder(console.resolve("/")));
        assertEquals(302, again.statusCode(), "signed out: " + again.body());
        assertTrue(again.headers().firstValue("Location").orElse("").startsWith(provider.issuer() + "/authorize"));
    }

    @Test
    void anExpiredAccessToken_leadsToSignInAgain_neverToARaw401() throws Exception {
        provider.next = new User("eve", "acme", List.of("responder"), Duration.ofSeconds(2));
        Browser browser = new Browser();
        assertEquals(200, browser.open("/").statusCode(), browser.trail());
        String expiring = provider.accessTokens.get(provider.accessTokens.size() - 1);
        long exp = TestIdentityProvider.claimsOf(expiring).path("exp").asLong();
        while (Instant.now().getEpochSecond() <= exp + 1) {
            Thread.sleep(200);
        }

        provider.next = new User("eve", "acme", List.of("responder"), Duration.ofHours(1));
        HttpResponse<String> board = browser.open("/");
        assertTrue(browser.steps.stream().noneMatch(s -> s.statusCode() == 401), browser.trail());
        assertTrue(browser.wentThroughProvider(), "signed in again: " + browser.trail());
        assertEquals(200, board.statusCode(), browser.trail());
        String fresh = provider.accessTokens.get(provider.accessTokens.size() - 1);
        assertNotEquals(expiring, fresh);
        assertEquals(fresh, bearerTokens.get(bearerTokens.size() - 1), "the fresh token reached the query service");
    }

    @Test
    void aTokenTheServiceRefuses_leadsToSignInAgain_andIfTheFreshOneIsRefusedToo_toAPageNotALoop() throws Exception {
        provider.next = new User("rev", "acme", List.of("responder"), Duration.ofHours(1));
        Browser browser = new Browser();
        assertEquals(200, browser.open("/").statusCode(), browser.trail());
        String first = provider.accessTokens.get(provider.accessTokens.size() - 1);
        revoked.add(first); // still unexpired for the console, refused by the service

        HttpResponse<String> board = browser.open("/");
        assertTrue(browser.steps.stream().noneMatch(s -> s.statusCode() == 401), browser.trail());
        assertTrue(browser.steps.stream().anyMatch(s -> s.uri().getPath().equals("/sign-in/again")), browser.trail());
        assertTrue(browser.wentThroughProvider(), browser.trail());
        assertEquals(200, board.statusCode(), browser.trail());
        assertNotEquals(first, bearerTokens.get(bearerTokens.size() - 1), "a fresh token reached the query service");

        // Refused however fresh (say, the provider puts a wrong audience in): one round, then a page saying so.
        refusedPeople.add("rev");
        HttpResponse<String> refused = browser.open("/");
        assertTrue(browser.steps.size() < 10, browser.trail());
        assertEquals(401, refused.statusCode(), browser.trail());
        assertTrue(refused.body().contains("Your sign-in is not accepted"), refused.body());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

    @Test
    void everySignedInPath_underEverySpelling_letsNoOneWithoutAnOidcSessionThrough() throws Exception {
        provider.next = new User("csrf", "acme", List.of("admin"), Duration.ofHours(1));
        Browser browser = new Browser();
        Map.Entry<String, String> field =
                csrf(browser.open("/").body()).entrySet().iterator().next();
        String csrfCookie = ((CookieManager) browser.http.cookieHandler().orElseThrow())
                .getCookieStore().getCookies().stream()
                        .filter(c -> c.getName().equals("console-csrf"))
                        .findFirst()
                        .orElseThrow()
                        .getValue();
        String dev = devTokens.token("mallory", "acme", List.of("admin"), Duration.ofHours(1));
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        List<String> opened = new ArrayList<>();
        int sent = 0;
        for (var route : ConsoleSecurityTest.SIGNED_IN_ROUTES.entrySet()) {
            for (String path : route.getValue()) {
                List<String> variants = path.equals("/")
                        ? List.of("/", "//", "/.", "/./", "/;x=1", "/?", "/%2e")
                        : RouteSweep.variants(path);
                for (String variant : variants) {
                    // No session, a forged OIDC session, a valid development session (ignored in this mode).
                    for (String session : new String[] {null, "q_session=forged", "console_session=" + dev}) {
                        HttpRequest.Builder r = HttpRequest.newBuilder(
                                        URI.create("http://" + console.getRawAuthority() + variant))
                                .header("Accept", "text/html")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header(
                                        "Cookie",
                                        "console-csrf=" + csrfCookie + (session == null ? "" : "; " + session))
                                .method(
                                        route.getKey(),
                                        route.getKey().equals("GET")
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString("etag=%221%22&" + field.getKey()
                                                        + "="
                                                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)));
                        int status = http.send(r.build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        sent++;
                        if (status < 300 || status >= 500) {
                            opened.add(route.getKey() + " " + variant + " [" + session + "] -> " + status);
                        }
                    }
                }
            }
        }
        assertTrue(sent > 100, "requests sent: " + sent);
        assertEquals(List.of(), opened, "requests that got through (or failed) without an OIDC session");
    }
}
