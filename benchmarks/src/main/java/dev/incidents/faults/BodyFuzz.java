package dev.incidents.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.SystemAudit;
import dev.incidents.testsupport.RouteSweep;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A seeded mutator of the OpenAPI example bodies: every ingest and command body of the command service (and a
 * subscription of the notifier), each mutated {@code perRoute} times (a field dropped, nulled, of another type, huge,
 * holding NUL, a time out of range, an unknown field, deep nesting, broken JSON), sent with valid credentials. Counts
 * 5xx answers and refused requests (4xx) after which something was stored (event store, API keys, subscriptions).
 * The same seed sends the same requests.
 */
final class BodyFuzz {

    record Figures(
            int sent,
            int accepted,
            int rejected,
            int serverErrors,
            int rejectedButStored,
            long seed,
            List<String> examples) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ODD_STRINGS = {
        "",
        " ",
        "\u0000",
        "a\u0000b",
        "\uD83D\uDD25\u202Eevil",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "1969-12-31T23:59:59Z",
        "2026-13-45T25:61:61Z",
        "-1",
        "NaN",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "SEV0",
        "'; drop table event_store; --",
        "%00",
        "\\u0000"
    };

    private final LocalSystem system;
    private final Consumer<String> progress;
    private final Random random;
    private final long seed;
    private final List<String> examples = new ArrayList<>();

    BodyFuzz(LocalSystem system, long seed, Consumer<String> progress) {
        this.system = system;
        this.seed = seed;
        this.random = new Random(seed);
        this.progress = progress;
    }

    Figures run(int perRoute) throws Exception {
        String token = system.tokenFor("fuzz", "responder", "viewer", "admin");
        Map<String, String> bearer = Http.bearer(token);
        Map<String, String> apiKey = Map.of("X-Api-Key", system.apiKey());
        record Target(String method, String url, String example, Map<String, String> headers) {}
        List<Target> targets = new ArrayList<>();
        String incident = JSON.readTree(Http.send("POST", system.commandUrl() + "/api/v1/incidents", bearer, """
                {"title":"fuzz target","severity":"SEV3","services":["fuzz"],"summary":"fuzzed"}""")
                        .body())
                .path("incidentId")
                .asText();
        RouteSweep sweep = new RouteSweep(
                URI.create(system.commandUrl()), URI.create(system.managementUrl("incident-command-service")));
        for (RouteSweep.Route r : sweep.routes()) {
            if (!r.method().equals("POST") || r.exampleBody() == null) {
                continue;
            }
            boolean integration =
                    r.template().contains("/integrations/") || r.template().equals("/api/v1/events");
            String path =
                    r.template().replace("{id}", incident).replace("{itemId}", "00000000-0000-0000-0000-000000000000");
            targets.add(new Target("POST", system.commandUrl() + path, r.exampleBody(), integration ? apiKey : bearer));
        }
        targets.add(new Target(
                "POST",
                system.notifierUrl() + "/api/v1/subscriptions",
                """
                {"channel":"webhook","target":"%s","services":["fuzz"],"severities":["SEV1"],"eventTypes":[],"description":"fuzz"}""".formatted(system.receiver().url()),
                bearer));

        int sent = 0;
        int accepted = 0;
        int rejected = 0;
        int serverErrors = 0;
        int rejectedButStored = 0;
        for (Target t : targets) {
            for (int i = 0; i < perRoute; i++) {
                String body = mutate(t.example());
                long before = stored();
                Http.Answer a = Http.send(t.method(), t.url(), t.headers(), body);
                sent++;
                if (a.status() >= 500 || a.status() < 0) {
                    serverErrors++;
                    example(a.status() + " for POST " + t.url().replaceFirst("^http://[^/]+", "") + " " + cut(body)
                            + " -> " + cut(a.body()));
                } else if (a.status() >= 400) {
                    rejected++;
                    long after = stored();
                    if (after != before) {
                        rejectedButStored++;
                        example("stored after " + a.status() + ": POST "
                                + t.url().replaceFirst("^http://[^/]+", "") + " " + cut(body));
                    }
                } else {
                    accepted++;
                }
            }
        }
        progress.accept(String.format(
                "fuzz (seed %d): %d requests, %d accepted, %d refused, %d 5xx, %d refused but stored",
                seed, sent, accepted, rejected, serverErrors, rejectedButStored));
        return new Figures(sent, accepted, rejected, serverErrors, rejectedButStored, seed, List.copyOf(examples));
    }

    /** Rows that a request can add: events, API keys, subscriptions. */
    private long stored() throws Exception {
        long[] n = {0};
        SystemAudit.query(
                system,
                "incident_command",
                "select (select count(*) from event_store) + (select count(*) from api_key)",
                rs -> n[0] += rs.getLong(1));
        SystemAudit.query(
                system, "incident_notifier", "select count(*) from subscription", rs -> n[0] += rs.getLong(1));
        return n[0];
    }

    private String mutate(String example) throws Exception {
        int kind = random.nextInt(12);
        switch (kind) {
            case 0:
                return example.substring(0, random.nextInt(Math.max(1, example.length())));
            case 1:
                return random.nextBoolean() ? "" : random.nextBoolean() ? "null" : "[" + example + "]";
            case 2: {
                StringBuilder deep = new StringBuilder();
                int depth = 1000 + random.nextInt(5000);
                deep.append("[".repeat(depth)).append("]".repeat(depth));
                return example.replaceFirst("\\{", "{\"deep\":" + deep + ",");
            }
            default:
                break;
        }
        JsonNode root = JSON.readTree(example);
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            mutateSomewhere(root);
        }
        return JSON.writeValueAsString(root);
    }

    /** Picks an object of the tree at random and changes one of its fields (or adds one). */
    private void mutateSomewhere(JsonNode root) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        if (objects.isEmpty()) {
            return;
        }
        ObjectNode o = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String field = names.isEmpty() || random.nextInt(8) == 0
                ? "unknown" + random.nextInt(3)
                : names.get(random.nextInt(names.size()));
        switch (random.nextInt(9)) {
            case 0 -> o.remove(field);
            case 1 -> o.putNull(field);
            case 2 -> o.put(field, ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
            case 3 -> o.put(field, "x".repeat(1 + random.nextInt(300_000)));
            case 4 -> o.put(field, random.nextBoolean() ? Long.MAX_VALUE : random.nextBoolean() ? -1 : 1e308);
            case 5 -> o.put(field, random.nextBoolean());
            case 6 -> o.set(field, JSON.createArrayNode().add("a").add(1).addNull());
            case 7 ->
                o.set(field, JSON.createObjectNode().put("nested", ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]));
            default -> {
                ArrayNode many = JSON.createArrayNode();
                int n = random.nextInt(2000);
                for (int i = 0; i < n; i++) {
                    many.add("v" + i);
                }
                o.set(field, many);
            }
        }
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode o) {
            into.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), into);
        }
    }

    private void example(String e) {
        if (examples.size() < 10) {
            examples.add(e);
        }
    }

    private static String cut(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
