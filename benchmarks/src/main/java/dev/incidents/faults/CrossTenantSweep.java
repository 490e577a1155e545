package dev.incidents.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.SystemAudit;
import dev.incidents.testsupport.RouteSweep;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tenant B tries every read and write of tenant A: every route with a path id of the three services' OpenAPI documents
 * (incidents, timeline, postmortem in each format, action items, every command, subscriptions, deliveries, API keys),
 * with B's bearer token (all roles), on A's id and on an id that exists nowhere. The two answers must be the same
 * (status, and body once the id is blanked out): anything else tells B that A's thing exists. Then the lists (B's
 * incidents, subscriptions, deliveries, API keys, B's live stream) must hold none of A's, a merge of B's incident into
 * A's must fail like a merge into nothing, and B's alert on A's alert group must open B's own incident.
 */
final class CrossTenantSweep {

    record Figures(int probes, int differing, int ownReadsOk, int ownReads, List<String> examples) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalSystem system;
    private final Consumer<String> progress;
    private final List<String> examples = new ArrayList<>();
    private int probes;
    private int differing;

    CrossTenantSweep(LocalSystem system, Consumer<String> progress) {
        this.system = system;
        this.progress = progress;
    }

    Figures run(String groupOfA, String incidentOfGroup) throws Exception {
        String tokenA = system.tokenFor("default", "responder", "viewer", "admin");
        String tokenB = system.tokenFor("tenant-b", "responder", "viewer", "admin");
        Map<String, String> a = Http.bearer(tokenA);
        Map<String, String> b = Http.bearer(tokenB);

        // Tenant A's things: a subscription (for this sweep's service only), an incident with an action item, its
        // delivery, an API key. Tenant B: an incident of its own and an API key.
        JsonNode sub = json(Http.send("POST", system.notifierUrl() + "/api/v1/subscriptions", a, """
                {"channel":"webhook","target":"%s","services":["cross-tenant"],"description":"tenant A"}""".formatted(
                        system.receiver().url())));
        String subscription = sub.path("id").asText();
        String incident = json(Http.send("POST", system.commandUrl() + "/api/v1/incidents", a, """
                {"title":"Tenant A only","severity":"SEV2","services":["cross-tenant"],"summary":"secret of A"}"""))
                .path("incidentId")
                .asText();
        Http.send("POST", system.commandUrl() + "/api/v1/incidents/" + incident + "/action-items", a, """
                {"kind":"corrective","description":"A's item","owner":"alice","dueDate":"2030-01-01"}""");
        String item = null;
        for (EventEnvelope e : SystemAudit.eventStore(system).getOrDefault(incident, List.of())) {
            if (e.data() instanceof IncidentEvent.ActionItemAdded added) {
                item = added.actionItemId();
            }
        }
        String keyId = json(Http.send(
                        "POST", system.commandUrl() + "/api/v1/admin/api-keys", a, "{\"name\":\"tenant-a-key\"}"))
                .path("apiKey")
                .path("keyId")
                .asText();
        String keyB = json(Http.send(
                        "POST", system.commandUrl() + "/api/v1/admin/api-keys", b, "{\"name\":\"tenant-b-key\"}"))
                .path("key")
                .asText();
        String incidentB = json(Http.send("POST", system.commandUrl() + "/api/v1/incidents", b, """
                {"title":"Tenant B's own","severity":"SEV3","services":["b"],"summary":"B"}"""))
                .path("incidentId")
                .asText();
        String delivery = null;
        for (int i = 0; i < 120 && delivery == null; i++) {
            JsonNode items = json(Http.send(
                            "GET", system.notifierUrl() + "/api/v1/deliveries?subscription=" + subscription, a, null))
                    .path("items");
            if (items.size() > 0) {
                delivery = items.get(0).path("id").asText();
            } else {
                Thread.sleep(250);
            }
        }
        if (delivery == null) {
            // The notifier made no delivery for A's subscription (is it consuming?): any delivery of A's will do.
            JsonNode items = json(Http.send("GET", system.notifierUrl() + "/api/v1/deliveries?limit=1", a, null))
                    .path("items");
            delivery = items.size() > 0 ? items.get(0).path("id").asText() : null;
            examples.add("no delivery for tenant A's subscription within 30 s; delivery routes probed with "
                    + (delivery == null ? "no real id of A's (none listed)" : "A's delivery " + delivery));
            if (delivery == null) {
                delivery = "987654321";
            }
        }
        if (incident.isEmpty()
                || subscription.isEmpty()
                || item == null
                || keyId.isEmpty()
                || keyB.isEmpty()
                || incidentB.isEmpty()) {
            throw new IllegalStateException("could not set up tenant A's things: incident " + incident
                    + ", subscription " + subscription + ", item " + item + ", key " + keyId + ", delivery " + delivery
                    + "; B's key " + !keyB.isEmpty() + ", B's incident " + incidentB);
        }
        // A's own reads must work, or "the same as missing" proves nothing: wait until A's incident is projected.
        for (int i = 0;
                i < 120
                        && Http.send("GET", system.queryUrl() + "/api/v1/incidents/" + incident + "/timeline", a, null)
                                        .status()
                                != 200;
                i++) {
            Thread.sleep(250);
        }
        String missingIncident = incident.substring(0, incident.length() - 6) + "0f0f0f";
        String missingKey = "0badcafe";
        String missingSubscription = UUID.randomUUID().toString();
        String missingItem = UUID.randomUUID().toString();
        String missingDelivery = Long.toString(Long.parseLong(delivery) + 1_000_000_000L);

        // Every route with a path id, of every service: A's id against a missing one, with B's token.
        record Service(String module, String url) {}
        int ownReads = 0;
        int ownReadsOk = 0;
        for (Service s : List.of(
                new Service("incident-command-service", system.commandUrl()),
                new Service("incident-query-service", system.queryUrl()),
                new Service("notifier-service", system.notifierUrl()))) {
            RouteSweep sweep = new RouteSweep(URI.create(s.url()), URI.create(system.managementUrl(s.module())));
            for (RouteSweep.Route route : sweep.protectedRoutes()) {
                if (!route.template().contains("{")) {
                    continue;
                }
                Map<String, String> real = new HashMap<>();
                Map<String, String> missing = new HashMap<>();
                boolean subscriptions = route.template().startsWith("/api/v1/subscriptions");
                boolean deliveries = route.template().startsWith("/api/v1/deliveries");
                real.put("id", subscriptions ? subscription : deliveries ? delivery : incident);
                missing.put("id", subscriptions ? missingSubscription : deliveries ? missingDelivery : missingIncident);
                real.put("itemId", item);
                missing.put("itemId", missingItem);
                real.put("keyId", keyId);
                missing.put("keyId", missingKey);
                List<String> accepts = route.method().equals("GET")
                        ? List.of("application/json", "text/markdown", "text/html")
                        : List.of("application/json");
                for (String accept : accepts) {
                    Map<String, String> headers = new HashMap<>(b);
                    headers.put("Accept", accept);
                    String body = route.method().equals("POST")
                            ? (route.exampleBody() != null ? route.exampleBody() : "{}")
                            : null;
                    compare(
                            route.method() + " " + route.template() + " (" + accept + ")",
                            route.method(),
                            s.url() + fill(route.template(), real),
                            s.url() + fill(route.template(), missing),
                            headers,
                            body,
                            real,
                            missing);
                    if (route.method().equals("GET") && accept.equals("application/json")) {
                        ownReads++;
                        Map<String, String> headersA = new HashMap<>(a);
                        headersA.put("Accept", accept);
                        int status = Http.send("GET", s.url() + fill(route.template(), real), headersA, null)
                                .status();
                        ownReadsOk += status == 200 ? 1 : 0;
                    }
                }
            }
        }
        Map<String, String> ids = Map.of("id", incident);
        Map<String, String> none = Map.of("id", missingIncident);
        // Reads with the query parameters that name an id or wait for one.
        compare(
                "GET incident with minSequence",
                "GET",
                system.queryUrl() + "/api/v1/incidents/" + incident + "?minSequence=1",
                system.queryUrl() + "/api/v1/incidents/" + missingIncident + "?minSequence=1",
                b,
                null,
                ids,
                none);
        compare(
                "GET deliveries?incidentId",
                "GET",
                system.notifierUrl() + "/api/v1/deliveries?incidentId=" + incident,
                system.notifierUrl() + "/api/v1/deliveries?incidentId=" + missingIncident,
                b,
                null,
                ids,
                none);
        compare(
                "GET deliveries?subscription",
                "GET",
                system.notifierUrl() + "/api/v1/deliveries?subscription=" + subscription,
                system.notifierUrl() + "/api/v1/deliveries?subscription=" + missingSubscription,
                b,
                null,
                Map.of("id", subscription),
                Map.of("id", missingSubscription));
        compare(
                "POST merge of B's incident into A's",
                "POST",
                system.commandUrl() + "/api/v1/incidents/" + incidentB + "/merge",
                system.commandUrl() + "/api/v1/incidents/" + incidentB + "/merge",
                b,
                "{\"into\":\"" + incident + "\"}",
                ids,
                none,
                "{\"into\":\"" + missingIncident + "\"}");

        // Lists: none of A's things in B's.
        List<String> secrets = List.of(incident, subscription, keyId, "secret of A", "tenant-a-key");
        leak(
                "B's incident list",
                Http.send("GET", system.queryUrl() + "/api/v1/incidents?limit=200", b, null),
                secrets);
        leak(
                "B's action items",
                Http.send("GET", system.queryUrl() + "/api/v1/action-items?limit=200", b, null),
                List.of(incident, "A's item", "alice"));
        leak("B's subscriptions", Http.send("GET", system.notifierUrl() + "/api/v1/subscriptions", b, null), secrets);
        leak(
                "B's deliveries",
                Http.send("GET", system.notifierUrl() + "/api/v1/deliveries?limit=200", b, null),
                secrets);
        leak("B's API keys", Http.send("GET", system.commandUrl() + "/api/v1/admin/api-keys", b, null), secrets);
        Map<String, String> stream = new HashMap<>(b);
        stream.put("Last-Event-ID", "0");
        stream.put("Accept", "text/event-stream");
        leak(
                "B's live stream from the start",
                Http.send("GET", system.queryUrl() + "/api/v1/stream", stream, null),
                secrets);

        // B's monitoring posts on the alert group that feeds one of A's incidents: it must open B's own.
        if (groupOfA != null) {
            Http.Answer r = Http.send(
                    "POST",
                    system.commandUrl() + "/api/v1/integrations/alertmanager",
                    Map.of("X-Api-Key", keyB),
                    AlertLoad.body(groupOfA, List.of("tenant-b-alert"), 0));
            probes++;
            if (r.status() != 202 || r.body().contains(incidentOfGroup)) {
                differ("B's alert on A's alert group answered " + r.status() + " " + r.body() + " (A's incident "
                        + incidentOfGroup + ")");
            }
        }
        progress.accept(String.format(
                "cross-tenant: %d probes, %d answers differing from missing or leaking; tenant A reads its own: %d/%d 200",
                probes, differing, ownReadsOk, ownReads));
        return new Figures(probes, differing, ownReadsOk, ownReads, List.copyOf(examples));
    }

    private void compare(
            String what,
            String method,
            String realUrl,
            String missingUrl,
            Map<String, String> headers,
            String body,
            Map<String, String> real,
            Map<String, String> missing) {
        compare(what, method, realUrl, missingUrl, headers, body, real, missing, body);
    }

    private void compare(
            String what,
            String method,
            String realUrl,
            String missingUrl,
            Map<String, String> headers,
            String body,
            Map<String, String> real,
            Map<String, String> missing,
            String missingBody) {
        probes++;
        Http.Answer onA = Http.send(method, realUrl, headers, body);
        Http.Answer onNothing = Http.send(method, missingUrl, headers, missingBody);
        String x = blank(onA.body(), real);
        String y = blank(onNothing.body(), missing);
        if (onA.status() != onNothing.status() || !x.equals(y)) {
            differ(what + ": on A's " + onA.status() + " " + cut(x) + " | on a missing one " + onNothing.status() + " "
                    + cut(y));
        }
    }

    private void leak(String what, Http.Answer answer, List<String> secrets) {
        probes++;
        for (String secret : secrets) {
            if (answer.body().contains(secret)) {
                differ(what + " shows " + secret);
                return;
            }
        }
    }

    private void differ(String example) {
        differing++;
        if (examples.size() < 10) {
            examples.add(example);
        }
    }

    private static String blank(String body, Map<String, String> ids) {
        String s = body;
        for (String id : ids.values()) {
            s = s.replace(id, "{id}");
        }
        return s;
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String fill(String template, Map<String, String> values) {
        String s = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            s = s.replace("{" + v.getKey() + "}", v.getValue());
        }
        return s;
    }

    private static JsonNode json(Http.Answer a) {
        try {
            return JSON.readTree(a.body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
