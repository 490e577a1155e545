package dev.incidents.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidents.console.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The console's only way to the system: the command, query and notifier services' public HTTP APIs, called with the
 * signed-in person's bearer token (or none, for the public status read). It never opens their databases or Kafka.
 */
@ApplicationScoped
public class ServiceApis {

    @Inject
    ConsoleConfig config;

    @Inject
    ObjectMapper json;

    /** HTTP/1.1: the services speak it, and an upgrade attempt per plain connection buys nothing. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public ApiAnswer query(String pathAndQuery, String token) {
        return send(
                "query service",
                request(config.queryUrl() + pathAndQuery, token).GET());
    }

    /**
     * A read of the query service passed on as it is (its bytes, media type and ETag), asked for as {@code accept}:
     * the console serves such an answer, a download, without reading it.
     */
    public ApiDocument queryDocument(String pathAndQuery, String token, String accept) {
        HttpRequest request = request(config.queryUrl() + pathAndQuery, token)
                .setHeader("Accept", accept)
                .GET()
                .build();
        try {
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            int status = answer.statusCode();
            if (status == 401) {
                throw new SignInEnded("query service");
            }
            String detail = status >= 200 && status < 300
                    ? null
                    : new ApiAnswer(
                                    status,
                                    parse(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)),
                                    java.util.Optional.empty())
                            .problemDetail();
            return new ApiDocument(
                    status,
                    answer.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                    answer.body(),
                    answer.headers().firstValue("ETag"),
                    detail);
        } catch (IOException e) {
            throw new ServiceUnavailable("query service", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable("query service", e);
        }
    }

    public ApiAnswer notifier(String pathAndQuery, String token) {
        return send(
                "notifier", request(config.notifierUrl() + pathAndQuery, token).GET());
    }

    /**
     * A write to the notifier: JSON in ({@code body} null: none). The answer may hold a subscription's signing secret,
     * shown once: it is handed to the page and never logged here.
     */
    public ApiAnswer notifierPost(String path, String token, Object body) {
        return send(
                "notifier",
                request(config.notifierUrl() + path, token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : write(body))));
    }

    public ApiAnswer notifierDelete(String path, String token) {
        return send("notifier", request(config.notifierUrl() + path, token).DELETE());
    }

    /** A command: JSON in; {@code ifMatch} (the ETag the person's page was rendered at) pins the incident's state. */
    public ApiAnswer command(String path, String token, Object body, String ifMatch) {
        HttpRequest.Builder r = request(config.commandUrl() + path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body)));
        if (ifMatch != null && !ifMatch.isBlank()) {
            r.header("If-Match", ifMatch);
        }
        return send("command service", r);
    }

    /**
     * The query service's live stream, as lines of Server-Sent Events, from {@code lastEventId} (null: live only).
     * No read timeout: the stream stays open and the query service writes a comment every 15 s.
     */
    public HttpResponse<Stream<String>> stream(String token, String lastEventId) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(config.queryUrl() + "/api/v1/stream"))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null && !lastEventId.isBlank()) {
            r.header("Last-Event-ID", lastEventId);
        }
        try {
            return http.send(r.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new ServiceUnavailable("query service", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable("query service", e);
        }
    }

    private HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .timeout(config.callTimeout())
                .header("Accept", "application/json");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return r;
    }

    private ApiAnswer send(String service, HttpRequest.Builder request) {
        try {
            HttpRequest built = request.build();
            HttpResponse<String> answer = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 401
                    && built.headers().firstValue("Authorization").isPresent()) {
                throw new SignInEnded(service);
            }
            return new ApiAnswer(
                    answer.statusCode(), parse(answer.body()), answer.headers().firstValue("ETag"));
        } catch (IOException e) {
            throw new ServiceUnavailable(service, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable(service, e);
        }
    }

    /** A body that is not JSON (a proxy's error page) reads as none: the status still tells what happened. */
    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
