package dev.incidents.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small OpenID provider for tests: discovery, a JWKS, an authorization endpoint that signs in whoever {@link #next}
 * names without asking (and redirects back with a code), a token endpoint that checks the client's secret, the code,
 * its redirect URI and its PKCE verifier and answers RS256 access and ID tokens, and an end-session endpoint. Every
 * token it issued is kept, so a test can tell which one reached a service.
 */
public final class TestIdentityProvider {

    public static final String CLIENT_ID = "incident-console";
    public static final String CLIENT_SECRET = "test-client-secret";
    private static final String KID = "test-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who the authorization endpoint signs in next, and how long their access token lasts. */
    public record User(String name, String tenant, List<String> groups, Duration accessTokenLifetime) {}

    private record Grant(User user, String redirectUri, String nonce, String codeChallenge) {}

    private final HttpServer server;
    private final KeyPair key;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();

    public volatile User next = new User("ada", "acme", List.of("responder"), Duration.ofHours(1));
    public final List<String> accessTokens = new CopyOnWriteArrayList<>();
    public final List<String> idTokens = new CopyOnWriteArrayList<>();
    /** The query strings of the end-session requests (RP-initiated logout). */
    public final List<String> logouts = new CopyOnWriteArrayList<>();
    /** Why the token endpoint refused, if it did (a test that fails can say why). */
    public final List<String> refusals = new CopyOnWriteArrayList<>();

    public TestIdentityProvider() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            key = rsa.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/.well-known/openid-configuration", ex -> json(ex, 200, discovery()));
        server.createContext("/jwks", ex -> json(ex, 200, jwks()));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/logout", this::logout);
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    private Map<String, Object> discovery() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer());
        d.put("authorization_endpoint", issuer() + "/authorize");
        d.put("token_endpoint", issuer() + "/token");
        d.put("jwks_uri", issuer() + "/jwks");
        d.put("end_session_endpoint", issuer() + "/logout");
        d.put("response_types_supported", List.of("code"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("code_challenge_methods_supported", List.of("S256"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        return d;
    }

    private Map<String, Object> jwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        return Map.of(
                "keys",
                List.of(Map.of(
                        "kty",
                        "RSA",
                        "kid",
                        KID,
                        "use",
                        "sig",
                        "alg",
                        "RS256",
                        "n",
                        b64(unsigned(pub.getModulus().toByteArray())),
                        "e",
                        b64(unsigned(pub.getPublicExponent().toByteArray())))));
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        if (!"code".equals(q.get("response_type")) || !CLIENT_ID.equals(q.get("client_id"))) {
            json(ex, 400, Map.of("error", "invalid_request"));
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(next, q.get("redirect_uri"), q.get("nonce"), q.get("code_challenge")));
        String back = q.get("redirect_uri") + (q.get("redirect_uri").contains("?") ? "&" : "?") + "code=" + code
                + "&state=" + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
        redirect(ex, back);
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        boolean client = basic != null
                        && basic.equals("Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                || CLIENT_ID.equals(f.get("client_id")) && CLIENT_SECRET.equals(f.get("client_secret"));
        Grant grant = f.get("code") == null ? null : codes.remove(f.get("code"));
        String refusal = !client
                ? "client not authenticated"
                : !"authorization_code".equals(f.get("grant_type"))
                        ? "grant type " + f.get("grant_type")
                        : grant == null
                                ? "unknown or used code"
                                : !grant.redirectUri().equals(f.get("redirect_uri"))
                                        ? "redirect URI differs"
                                        : grant.codeChallenge() == null
                                                        || !grant.codeChallenge()
                                                                .equals(s256(f.get("code_verifier")))
                                                ? "PKCE verifier does not match the challenge"
                                                : null;
        if (refusal != null) {
            refusals.add(refusal);
            json(ex, 400, Map.of("error", "invalid_grant", "error_description", refusal));
            return;
        }
        User user = grant.user();
        Instant now = Instant.now();
        Map<String, Object> access = claims(user, now, now.plus(user.accessTokenLifetime()));
        access.put("aud", "incidents");
        access.put("scope", "openid profile");
        // The ID token names the person otherwise and carries neither tenant nor groups: what the console shows and
        // decides must come from the access token, as the services' decisions do.
        Map<String, Object> id = claims(user, now, now.plus(Duration.ofHours(1)));
        id.put("aud", CLIENT_ID);
        id.put("preferred_username", user.name() + "@idp");
        id.remove("tenant");
        id.remove("groups");
        if (grant.nonce() != null) {
            id.put("nonce", grant.nonce());
        }
        String accessToken = sign(access);
        String idToken = sign(id);
        accessTokens.add(accessToken);
        idTokens.add(idToken);
        json(
                ex,
                200,
                Map.of(
                        "access_token",
                        accessToken,
                        "id_token",
                        idToken,
                        "token_type",
                        "Bearer",
                        "expires_in",
                        user.accessTokenLifetime().toSeconds()));
    }

    private void logout(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        logouts.add(query == null ? "" : query);
        Map<String, String> q = form(query);
        String back = q.get("post_logout_redirect_uri");
        if (back == null) {
            json(ex, 200, Map.of("signedOut", true));
            return;
        }
        redirect(
                ex,
                back
                        + (q.containsKey("state")
                                ? "?state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8)
                                : ""));
    }

    private Map<String, Object> claims(User user, Instant now, Instant expires) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer());
        c.put("sub", "sub-" + user.name());
        c.put("preferred_username", user.name());
        c.put("tenant", user.tenant());
        c.put("groups", user.groups());
        c.put("iat", now.getEpochSecond());
        c.put("exp", expires.getEpochSecond());
        c.put("jti", UUID.randomUUID().toString());
        return c;
    }

    private String sign(Map<String, Object> claims) {
        try {
            String input = b64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", KID))) + "."
                    + b64(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a token, unchecked (for a test's assertions). */
    public static JsonNode claimsOf(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String s256(String verifier) {
        if (verifier == null) {
            return null;
        }
        try {
            return b64(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (ex) {
            ex.getResponseBody().write(bytes);
        }
    }

    private static byte[] unsigned(byte[] twosComplement) {
        if (twosComplement.length > 1 && twosComplement[0] == 0) {
            byte[] out = new byte[twosComplement.length - 1];
            System.arraycopy(twosComplement, 1, out, 0, out.length);
            return out;
        }
        return twosComplement;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
