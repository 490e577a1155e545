package dev.incidents.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What every service's management interface promises: health, metrics and OpenAPI only on the management port,
 * and made-up paths tried by anyone add no metric series.
 */
public final class ManagementChecks {

    public static final List<String> ENDPOINTS = List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi");

    /** HTTP/1.1 and a timeout on every request, as in {@link RouteSweep}: an HTTP/2 upgrade was seen to hang. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ManagementChecks() {}

    /** Status of a GET, optionally with headers (name, value, name, value...). */
    public static int status(URI base, String path, String... headers) {
        return get(base, path, headers).statusCode();
    }

    public static String body(URI base, String path) {
        return get(base, path).body();
    }

    /**
     * Sends {@code count} requests to made-up paths (under /api/ and elsewhere, with and without a credential)
     * and returns the lines of the Prometheus scrape that mention any of them: none is the promise.
     */
    public static List<String> seriesOfMadeUpPaths(URI app, URI management, int count) {
        String marker = "probe" + UUID.randomUUID().toString().replace("-", "");
        for (int i = 0; i < count; i++) {
            get(app, "/api/v1/" + marker + i);
            get(app, "/" + marker + i + "/x");
            get(app, "/api/v1/incidents/" + marker + i + "/nothing", "Authorization", "Bearer x.y.z");
            // Refused before any route matched (400 from the NUL filter): the path is all the metric could name.
            get(app, "/api/v1/" + marker + i + "?q=%00");
        }
        List<String> lines = new ArrayList<>();
        for (String line : body(management, "/q/metrics").split("\n")) {
            if (line.contains(marker)) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static HttpResponse<String> get(URI base, String path, String... headers) {
        var request = HttpRequest.newBuilder(URI.create(RouteSweep.trimmed(base) + path))
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
