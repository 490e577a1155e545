package dev.incidents.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./rebuild-read-models}: asks a query service to rebuild its read models from offset 0 and prints the
 * progress (events, events/s, percent, ETA) every second until it completes. Exit code 0 on success.
 * Arguments: the query service URL (default http://127.0.0.1:8082) and an admin bearer token (or
 * INCIDENTS_TOKEN).
 */
public final class RebuildCommand {

    private RebuildCommand() {}

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8082";
        String token = args.length > 1 ? args[1] : System.getenv("INCIDENTS_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("usage: rebuild-read-models [query-service-url] <admin-token>   (or INCIDENTS_TOKEN)");
            System.exit(2);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> started = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/admin/rebuild"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            System.err.println("rebuild not started: " + started.statusCode() + " " + started.body());
            System.exit(1);
        }
        while (true) {
            Thread.sleep(1_000);
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(url + "/api/v1/admin/rebuild"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String state = field(body, "state");
            System.out.printf(
                    "%-9s %s/%s events, %s events/s, %s%%, ETA %s s%n",
                    state,
                    field(body, "events"),
                    field(body, "totalEvents"),
                    field(body, "eventsPerSecond"),
                    field(body, "percent"),
                    field(body, "etaSeconds"));
            if (!"running".equals(state)) {
                if (!"completed".equals(state)) {
                    System.err.println("rebuild " + state + ": " + field(body, "error"));
                    System.exit(1);
                }
                return;
            }
        }
    }

    /** A scalar of the flat progress object; enough here, and keeps the launcher free of a JSON library. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)\"?").matcher(json);
        return m.find() ? m.group(1) : "?";
    }
}
