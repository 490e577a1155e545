package dev.incidents.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.MailSink;
import dev.incidents.local.TraceSink;
import dev.incidents.local.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipe, end to end, on the packaged services started exactly as the local run starts them: a command is
 * appended and relayed through the real Kafka, projected by the query service and delivered by the notifier
 * to a webhook receiver that checks its signature on its own, and by e-mail to the local SMTP sink.
 */
class PipeEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        Path data = Files.createTempDirectory("incidents-system-test");
        LocalSystem.Options options = new LocalSystem.Options(root, data, null, null, null, null, 0, 0, 0, 0, 0, 0, 3);
        // The services trace into the demo receiver's sink, as ./run-local starts them.
        System.setProperty(LocalSystem.TRACES_PROPERTY, "true");
        try {
            system = LocalSystem.start(options, msg -> {}, r -> {});
        } finally {
            System.clearProperty(LocalSystem.TRACES_PROPERTY);
        }
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void declaredIncident_isReadableInTheQueryService_andArrivesSignedAtTheWebhook() throws Exception {
        HttpResponse<String> declared = post(system.commandUrl() + "/api/v1/incidents", """
                {"title": "Login returns 500", "severity": "SEV1", "services": ["auth"],
                 "startedAt": "2023-08-07T08:30:00+01:00", "detectedAt": "2023-08-07T08:30:00+01:00",
                 "detectionSource": "monitoring"}""");
        assertEquals(201, declared.statusCode(), declared.body());
        String incidentId = field(declared.body(), "incidentId");
        assertEquals("1", field(declared.body(), "sequence"));

        HttpResponse<String> ack = post(
                system.commandUrl() + "/api/v1/incidents/" + incidentId + "/acknowledge",
                "{\"by\": \"ada\", \"occurredAt\": \"2023-08-07T09:00:00+01:00\"}");
        assertEquals(202, ack.statusCode(), ack.body());
        assertEquals("2", field(ack.body(), "sequence"));

        HttpResponse<String> incident =
                get(system.queryUrl() + "/api/v1/incidents/" + incidentId + "?minSequence=2&tz=Africa/Lagos");
        assertEquals(200, incident.statusCode(), incident.body());
        assertEquals("acknowledged", field(incident.body(), "status"));
        assertEquals("2023-08-07T09:00:00+01:00", field(incident.body(), "acknowledgedAt"));

        HttpResponse<String> timeline =
                get(system.queryUrl() + "/api/v1/incidents/" + incidentId + "/timeline?minSequence=2&tz=Africa/Lagos");
        assertEquals(200, timeline.statusCode(), timeline.body());
        assertTrue(timeline.body().contains("Acknowledged by ada"), timeline.body());

        List<WebhookReceiver.Received> webhooks = awaitWebhooks(incidentId, 2, Duration.ofSeconds(30));
        assertEquals(2, webhooks.size(), "webhooks for " + incidentId + ": " + webhooks);
        assertTrue(webhooks.stream().allMatch(WebhookReceiver.Received::signatureValid), "every signature verifies");
        assertTrue(
                webhooks.get(0).body().contains("\"type\":\"incident.IncidentDeclared\""),
                webhooks.get(0).body());
        assertTrue(
                webhooks.get(1).body().contains("\"type\":\"incident.IncidentAcknowledged\""),
                webhooks.get(1).body());
    }

    @Test
    void oneTrace_runsFromTheRequest_throughKafka_intoTheProjectionAndTheWebhook() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        HttpResponse<String> declared = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + system.token("responder"))
                        .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"title\": \"Traced\", \"severity\": \"SEV2\", \"services\": [\"trace\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, declared.statusCode(), declared.body());
        String incidentId = field(declared.body(), "incidentId");
        WebhookReceiver.Received webhook =
                awaitWebhooks(incidentId, 1, Duration.ofSeconds(30)).get(0);

        // Each service exports its spans every second: wait for the whole trace to arrive.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<TraceSink.Span> trace = system.traceSink().trace(traceId);
        while (trace.size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            trace = system.traceSink().trace(traceId);
        }
        TraceSink.Span request = one(trace, "incident-command-service", "SERVER", null);
        assertEquals(callerSpan, request.parentSpanId(), "the request continues the caller's span: " + trace);
        TraceSink.Span append = one(trace, "incident-command-service", "INTERNAL", "append");
        assertEquals(request.spanId(), append.parentSpanId());
        TraceSink.Span publish = one(trace, "incident-command-service", "PRODUCER", "publish incident-events");
        assertEquals(append.spanId(), publish.parentSpanId());
        TraceSink.Span projected = one(trace, "incident-query-service", "CONSUMER", "process incident-events");
        assertEquals(publish.spanId(), projected.parentSpanId(), "the projection continues the Kafka record's span");
        TraceSink.Span planned = one(trace, "notifier-service", "CONSUMER", "process incident-events");
        assertEquals(publish.spanId(), planned.parentSpanId(), "so does the notifier");
        TraceSink.Span delivered = one(trace, "notifier-service", "CLIENT", "deliver webhook");
        assertEquals(planned.spanId(), delivered.parentSpanId());
        assertEquals(
                "00-" + traceId + "-" + delivered.spanId() + "-01",
                webhook.traceparent(),
                "the webhook carries the trace on to the subscriber");
    }

    /** The one span of the trace from that service, of that kind (and name, unless null). */
    private static TraceSink.Span one(List<TraceSink.Span> trace, String service, String kind, String name) {
        List<TraceSink.Span> found = trace.stream()
                .filter(s -> s.service().equals(service) && s.kind().equals(kind))
                .filter(s -> name == null || s.name().equals(name))
                .toList();
        assertEquals(1, found.size(), service + " " + kind + " " + name + " in " + trace);
        return found.get(0);
    }

    @Test
    void theGrafanaDashboard_readsMetricsAndAnApiTheServicesServe() throws Exception {
        HttpResponse<String> alert = post(system.commandUrl() + "/api/v1/events", """
                {"source": "probe", "dedupKey": "dashboard-e2e", "status": "firing", "title": "Dashboard probe",
                 "severity": "SEV1", "service": "dashboard-e2e"}""");
        assertEquals(202, alert.statusCode(), alert.body());
        String incidentId = field(alert.body(), "incidentId");
        awaitWebhooks(incidentId, 1, Duration.ofSeconds(30));

        // The open-incident gauge is counted every 15 s, not at each scrape.
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String scraped = scrapeAll();
        while (!scraped.contains("service=\"dashboard-e2e\"") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            scraped = scrapeAll();
        }
        assertTrue(
                scraped.lines()
                        .anyMatch(l -> l.startsWith("incidents_open{")
                                && l.contains("service=\"dashboard-e2e\"")
                                && l.contains("severity=\"SEV1\"")
                                && l.endsWith(" 1.0")),
                "the SEV1 incident is open on the gauge");
        assertTrue(scraped.lines()
                .anyMatch(l -> l.startsWith("incidents_alerts_received_total{")
                        && l.contains("integration=\"events\"")
                        && l.contains("status=\"firing\"")));
        assertTrue(scraped.lines()
                .anyMatch(l -> l.startsWith("incidents_deliveries_total{") && l.contains("outcome=\"delivered\"")));

        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        com.fasterxml.jackson.databind.JsonNode dashboard =
                JSON.readTree(Files.readString(root.resolve("deploy/grafana/incidents-dashboard.json")));
        java.util.Set<String> used = new java.util.TreeSet<>();
        int apiPanels = 0;
        for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.path("panels")) {
            for (com.fasterxml.jackson.databind.JsonNode target : panel.path("targets")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bincidents_[a-z_]+")
                        .matcher(target.path("expr").asText(""));
                while (m.find()) {
                    used.add(m.group());
                }
                if (target.has("url")) {
                    apiPanels++;
                    String url = target.path("url").asText().replace("${query_url}", system.queryUrl())
                            + "?groupBy=week&from=2020-01-01T00:00:00Z&to=2020-03-01T00:00:00Z";
                    HttpResponse<String> answer = get(url);
                    assertEquals(200, answer.statusCode(), url + ": " + answer.body());
                    com.fasterxml.jackson.databind.JsonNode rows = JSON.readTree(answer.body())
                            .path(target.path("root_selector").asText());
                    assertTrue(rows.size() > 0, answer.body());
                    for (com.fasterxml.jackson.databind.JsonNode column : target.path("columns")) {
                        com.fasterxml.jackson.databind.JsonNode value = rows.get(0);
                        for (String step : column.path("selector").asText().split("\\.")) {
                            assertTrue(value.has(step), column + " in " + rows.get(0));
                            value = value.get(step);
                        }
                    }
                }
            }
        }
        assertTrue(used.size() >= 8, "metrics the dashboard reads: " + used);
        assertEquals(1, apiPanels);
        for (String metric : used) {
            assertTrue(
                    scraped.lines().anyMatch(l -> l.startsWith(metric + "{") || l.startsWith(metric + " ")),
                    metric + " is read by the dashboard but no service serves it");
        }
    }

    /** Every service's Prometheus scrape, one after the other. */
    private static String scrapeAll() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String service : List.of("incident-command-service", "incident-query-service", "notifier-service")) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(system.managementUrl(service) + "/q/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), service);
            all.append(r.body()).append('\n');
        }
        return all.toString();
    }

    @Test
    void emailSubscription_deliversThroughTheLocalSmtpSink_listedAtGetMails() throws Exception {
        // A service of its own, so that the other tests' incidents do not mail this address.
        HttpResponse<String> subscribed = post(system.notifierUrl() + "/api/v1/subscriptions", """
                {"channel": "email", "target": "oncall@example.com", "services": ["mail-e2e"]}""");
        assertEquals(201, subscribed.statusCode(), subscribed.body());

        HttpResponse<String> declared = post(
                system.commandUrl() + "/api/v1/incidents",
                "{\"title\": \"Mail pipe is down\", \"severity\": \"SEV2\", \"services\": [\"mail-e2e\"]}");
        assertEquals(201, declared.statusCode(), declared.body());
        String incidentId = field(declared.body(), "incidentId");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<MailSink.Mail> mine = List.of();
        while (mine.isEmpty() && System.nanoTime() < deadline) {
            mine = system.mailSink().received().stream()
                    .filter(m -> m.text().contains(incidentId))
                    .toList();
            Thread.sleep(100);
        }
        assertEquals(
                1,
                mine.size(),
                "one mail for " + incidentId + ": " + system.mailSink().received());
        MailSink.Mail mail = mine.get(0);
        assertEquals("oncall@example.com", mail.to());
        assertEquals("incidents@localhost", mail.from());
        assertTrue(mail.subject().contains("Mail pipe is down"), mail.subject());

        HttpResponse<String> listed = HTTP.send(
                HttpRequest.newBuilder(URI.create(system.receiver().baseUrl() + "/mails?after=" + (mail.id() - 1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(
                mail.subject(),
                JSON.readTree(listed.body())
                        .path("items")
                        .get(0)
                        .path("subject")
                        .asText(),
                listed.body());
    }

    @Test
    void genericAlertEvent_opensAnIncident_andARepeatAttachesToIt() throws Exception {
        String body = """
                {"source": "uptime-probe", "dedupKey": "checkout-5xx", "title": "Checkout 5xx above 5%%",
                 "severity": "SEV2", "service": "checkout", "occurredAt": "%s"}""";
        HttpResponse<String> first =
                post(system.commandUrl() + "/api/v1/events", body.formatted("2026-01-01T10:00:00Z"));
        assertEquals(202, first.statusCode(), first.body());
        HttpResponse<String> repeat =
                post(system.commandUrl() + "/api/v1/events", body.formatted("2026-01-01T10:05:00Z"));
        assertEquals(202, repeat.statusCode(), repeat.body());
        String incidentId = field(first.body(), "incidentId");
        assertEquals(
                incidentId, field(repeat.body(), "incidentId"), "a re-sent firing alert attaches to the same incident");
        assertEquals("2", field(repeat.body(), "sequence"), "and appends nothing new");

        HttpResponse<String> incident = get(system.queryUrl() + "/api/v1/incidents/" + incidentId + "?minSequence=2");
        assertEquals(200, incident.statusCode(), incident.body());
        assertEquals("triggered", field(incident.body(), "status"));
        assertEquals("monitoring", field(incident.body(), "detectionSource"));
    }

    @Test
    void rebuildCommand_rebuildsTheReadModels_andTheyStillAnswer() throws Exception {
        HttpResponse<String> declared = post(
                system.commandUrl() + "/api/v1/incidents",
                "{\"title\": \"Before the rebuild\", \"severity\": \"SEV4\"}");
        String incidentId = field(declared.body(), "incidentId");
        assertEquals(
                200,
                get(system.queryUrl() + "/api/v1/incidents/" + incidentId + "?minSequence=1")
                        .statusCode());

        dev.incidents.local.RebuildCommand.main(new String[] {system.queryUrl(), system.token("admin")});

        HttpResponse<String> after = get(system.queryUrl() + "/api/v1/incidents/" + incidentId);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("Before the rebuild", field(after.body(), "title"));
    }

    private static List<WebhookReceiver.Received> awaitWebhooks(String incidentId, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<WebhookReceiver.Received> mine = List.of();
        while (System.nanoTime() < deadline) {
            mine = system.receiver().received().stream()
                    .filter(r -> r.body().contains(incidentId))
                    .toList();
            if (mine.size() >= count) {
                break;
            }
            Thread.sleep(100);
        }
        return mine;
    }

    /** As a person would: a responder's bearer token, or the integration key for monitoring endpoints. */
    private static HttpResponse<String> post(String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        b = url.endsWith("/api/v1/events")
                ? b.header("X-Api-Key", system.apiKey())
                : b.header("Authorization", "Bearer " + system.token("responder"));
        return HTTP.send(
                b.POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + system.token("viewer"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) throws Exception {
        return JSON.readTree(json).path(name).asText(null);
    }
}
