package dev.incidents.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tries every route a service documents in its OpenAPI document, under many spellings of its path, with
 * credentials that must not open it. Authentication has to hold whatever variant of a path reaches an endpoint:
 * a trailing slash, a doubled slash, dot segments, another case, percent-encoding, matrix parameters.
 */
public final class RouteSweep {

    /** A documented operation, with the example body of its OpenAPI document when it has one. */
    public record Route(String method, String template, String exampleBody) {}

    /** One request of the sweep and the status it got. */
    public record Attempt(String method, String path, String credential, int status) {
        public boolean succeeded() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return method + " " + path + " [" + credential + "] -> " + status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final URI base;
    private final URI management;
    /**
     * HTTP/1.1: Java's client otherwise asks to upgrade each plain connection to HTTP/2, and one such upgrade of a
     * GET was seen to hang for good in CI (server idle, client waiting); every request also has a timeout.
     */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param base the service's application interface, e.g. http://localhost:8081
     * @param management its management interface, which serves the OpenAPI document
     */
    public RouteSweep(URI base, URI management) {
        this.base = trimmed(base);
        this.management = trimmed(management);
    }

    /** Scheme, host and port only: the management URL tests get carries its root path (/q/). */
    static URI trimmed(URI uri) {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    /** Every operation of the service's OpenAPI document under {@code /api/}. */
    public List<Route> routes() {
        JsonNode paths = get(management + "/q/openapi?format=json").path("paths");
        List<Route> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            path.getValue().fields().forEachRemaining(op -> {
                if (METHODS.contains(op.getKey())) {
                    routes.add(new Route(op.getKey().toUpperCase(), path.getKey(), exampleBody(op.getValue())));
                }
            });
        }
        return routes;
    }

    /**
     * Where the routes that need no credentials on purpose live (the public status read): every sweep leaves them out,
     * and each service's SecuritySweepTest names the ones there are, so a new one is added deliberately.
     */
    public static final String PUBLIC_BY_DESIGN = "/api/v1/public/";

    /** {@link #routes()} without the ones public by design: every one of these must refuse a caller without rights. */
    public List<Route> protectedRoutes() {
        return routes().stream()
                .filter(r -> !r.template().startsWith(PUBLIC_BY_DESIGN))
                .toList();
    }

    private static String exampleBody(JsonNode operation) {
        for (JsonNode media : operation.path("requestBody").path("content")) {
            if (media.has("example")) {
                return media.get("example").toString();
            }
            for (JsonNode example : media.path("examples")) {
                if (example.has("value")) {
                    return example.get("value").toString();
                }
            }
        }
        return null;
    }

    /** The same path spelt in ways a string comparison of paths would not recognise. */
    public static List<String> variants(String path) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(path);
        variants.add(path + "/");
        variants.add("/" + path);
        variants.add(path.replaceFirst("/v1/", "/v1//"));
        variants.add(path.replaceFirst("/api/", "/api/./"));
        variants.add(path.replaceFirst("/api/", "/api/x/../"));
        variants.add(path + "/.");
        variants.add(path.toUpperCase());
        variants.add(path.replaceFirst("/v1/(.)", "/v1/%" + hex(path.charAt(path.indexOf("/v1/") + 4))));
        variants.add(path.replaceFirst("/api/v1/", "/api/v1%2F"));
        variants.add(path + ";x=1");
        variants.add(path.replaceFirst("/api/", "/api;x=1/"));
        variants.add(path + "?");
        return List.copyOf(variants);
    }

    private static String hex(char c) {
        return String.format("%02X", (int) c);
    }

    /**
     * Sends every variant of every route once per credential (a name and its headers; no headers for "none"),
     * path parameters filled by {@code parameters}.
     */
    public List<Attempt> sweep(
            List<Route> routes,
            Function<String, String> parameters,
            Function<Route, Map<String, Map<String, String>>> credentials) {
        List<Attempt> attempts = new ArrayList<>();
        for (Route route : routes) {
            String path = fill(route.template(), parameters);
            for (var credential : credentials.apply(route).entrySet()) {
                for (String variant : variants(path)) {
                    attempts.add(new Attempt(
                            route.method(), variant, credential.getKey(), send(route, variant, credential.getValue())));
                }
            }
        }
        return attempts;
    }

    private static String fill(String template, Function<String, String> parameters) {
        Matcher m = PARAMETER.matcher(template);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(filled, Matcher.quoteReplacement(parameters.apply(m.group(1))));
        }
        return m.appendTail(filled).toString();
    }

    private int send(Route route, String path, Map<String, String> headers) {
        String body = route.exampleBody() != null ? route.exampleBody() : "{}";
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .method(
                        route.method(),
                        route.method().equals("GET") || route.method().equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            // A stream answers its headers and stays open: read the status, never the body.
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(route.method() + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String url) {
        try {
            var response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
