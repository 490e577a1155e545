package dev.incidents.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay as a user would ({@code kubectl kustomize}) and checks every object: core kinds against the
 * Kubernetes API model (fabric8), custom resources against the CRD schema of the operator version we target
 * (Strimzi, CloudNativePG, KEDA, Prometheus operator; in src/test/resources/crds), an unknown field failing either
 * way; then that the objects fit together (selectors, references, replication, consumer groups).
 */
class ManifestsTest {

    private static final Path DIR =
            Path.of(System.getProperty("manifests.dir", ".")).toAbsolutePath();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Class<?>> CORE = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Namespace", Namespace.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class);
    private static final Map<String, JsonNode> CRD_SCHEMAS = crdSchemas();

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(DIR.resolve("overlays"))) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    static List<JsonNode> render(String overlay) throws Exception {
        String yaml = Kustomize.render(DIR.resolve("overlays").resolve(overlay));
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }

    @Test
    void everyOverlayIsTested() throws IOException {
        assertEquals(List.of("dev", "production", "production-keda"), overlays().toList());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObject_fitsTheSchemaOfItsKind(String overlay) throws Exception {
        List<String> errors = new ArrayList<>();
        for (JsonNode o : render(overlay)) {
            errors.addAll(schemaErrors(o));
        }
        assertEquals(List.of(), errors, overlay);
    }

    @Test
    void theSchemaCheck_catchesMisspeltFieldsAndWrongTypes() throws Exception {
        JsonNode deployment = YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, imagePullPolicyy: Always}]
                """);
        JsonNode topic = YAML.readTree("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitionz: 6, replicas: 3}
                """);
        JsonNode cluster = YAML.readTree("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: c}
                spec: {instances: three, storage: {size: 1Gi}}
                """);
        JsonNode unknownKind = YAML.readTree("{apiVersion: example.com/v1, kind: Gadget, metadata: {name: g}}");
        assertTrue(
                schemaErrors(deployment).toString().contains("imagePullPolicyy"),
                schemaErrors(deployment).toString());
        assertTrue(
                schemaErrors(topic).toString().contains(".spec.partitionz: unknown field"),
                schemaErrors(topic).toString());
        assertTrue(
                schemaErrors(cluster).toString().contains(".spec.instances: must be an integer"),
                schemaErrors(cluster).toString());
        assertTrue(
                schemaErrors(unknownKind).toString().contains("no schema"),
                schemaErrors(unknownKind).toString());
    }

    /** What is wrong with one object for its kind's schema; empty when nothing. */
    private static List<String> schemaErrors(JsonNode o) {
        List<String> errors = new ArrayList<>();
        String key = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
        String name = key + " " + o.path("metadata").path("name").asText();
        if (CORE.containsKey(key)) {
            try {
                Object typed = YAML.treeToValue(o, CORE.get(key));
                unknownFields(typed, name, errors);
            } catch (IOException e) {
                errors.add(name + ": " + e.getMessage());
            }
        } else if (CRD_SCHEMAS.containsKey(key)) {
            StructuralSchema.validate(CRD_SCHEMAS.get(key), o).forEach(e -> errors.add(name + " " + e));
        } else {
            errors.add(name + ": no schema to check it against (add the CRD to src/test/resources/crds)");
        }
        return errors;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void objectsFitTogether(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        objects.forEach(o -> byKind.computeIfAbsent(o.path("kind").asText(), k -> new ArrayList<>())
                .add(o));
        List<JsonNode> deployments = byKind.getOrDefault("Deployment", List.of());
        List<JsonNode> services = byKind.getOrDefault("Service", List.of());
        assertEquals(4, deployments.size(), "three services and the console");

        // Everything in one namespace, the overlay's.
        String namespace =
                byKind.get("Namespace").get(0).path("metadata").path("name").asText();
        for (JsonNode o : objects) {
            if (!o.path("kind").asText().equals("Namespace")) {
                assertEquals(namespace, o.path("metadata").path("namespace").asText(), name(o));
            }
        }

        for (JsonNode d : deployments) {
            JsonNode labels = d.at("/spec/template/metadata/labels");
            assertTrue(matches(d.at("/spec/selector/matchLabels"), labels), name(d) + ": selector matches its pods");
            JsonNode c = d.at("/spec/template/spec/containers/0");
            assertTrue(
                    c.path("image")
                            .asText()
                            .matches("ghcr\\.io/incident-tracker/"
                                    + d.at("/metadata/name").asText() + ":.+"),
                    c.path("image").asText());
            assertEquals("/q/health/started", c.at("/startupProbe/httpGet/path").asText());
            assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText());
            assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText());
            // Operator endpoints live on the management interface, which no Ingress routes to.
            for (String probe : List.of("/startupProbe", "/readinessProbe", "/livenessProbe")) {
                assertEquals("management", c.at(probe + "/httpGet/port").asText(), name(d) + probe);
            }
            boolean management = false;
            for (JsonNode port : c.path("ports")) {
                management |= port.path("name").asText().equals("management")
                        && port.path("containerPort").asInt() == 9000;
            }
            assertTrue(management, name(d) + " declares its management port 9000");
            assertTrue(
                    c.at("/resources/requests/memory").isTextual()
                            && c.at("/resources/limits/memory").isTextual(),
                    name(d));
        }
        for (JsonNode s : services) {
            assertEquals(
                    1,
                    deployments.stream()
                            .filter(d -> matches(s.at("/spec/selector"), d.at("/spec/template/metadata/labels")))
                            .count(),
                    name(s) + " selects one Deployment's pods");
        }
        for (JsonNode pdb : byKind.getOrDefault("PodDisruptionBudget", List.of())) {
            assertTrue(
                    deployments.stream()
                            .anyMatch(d -> matches(
                                    pdb.at("/spec/selector/matchLabels"), d.at("/spec/template/metadata/labels"))),
                    name(pdb));
        }
        for (JsonNode monitor : byKind.getOrDefault("ServiceMonitor", List.of())) {
            assertEquals(
                    3,
                    services.stream()
                            .filter(s -> matches(monitor.at("/spec/selector/matchLabels"), s.at("/metadata/labels")))
                            .count(),
                    "Prometheus scrapes all three services");
            for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
                assertEquals(
                        "management", endpoint.path("port").asText(), "metrics are scraped from the management port");
                for (JsonNode s : services) {
                    boolean named = false;
                    for (JsonNode port : s.at("/spec/ports")) {
                        named |= port.path("name").asText().equals("management");
                    }
                    assertTrue(named, name(s) + " names the management port the ServiceMonitor scrapes");
                }
            }
        }

        // Autoscaling: one autoscaler per Deployment at most (KEDA makes an HPA of its own), never beyond the
        // partitions.
        JsonNode topic = byKind.get("KafkaTopic").get(0);
        int partitions = topic.at("/spec/partitions").asInt();
        Map<String, String> scaledBy = new TreeMap<>();
        for (JsonNode hpa : byKind.getOrDefault("HorizontalPodAutoscaler", List.of())) {
            String target = hpa.at("/spec/scaleTargetRef/name").asText();
            assertTrue(
                    deployments.stream()
                            .anyMatch(d -> d.at("/metadata/name").asText().equals(target)),
                    name(hpa));
            assertTrue(
                    hpa.at("/spec/minReplicas").asInt()
                            <= hpa.at("/spec/maxReplicas").asInt(),
                    name(hpa));
            assertEquals(null, scaledBy.put(target, name(hpa)), target + " has one autoscaler");
            if (!target.equals("incident-command-service")) {
                assertTrue(
                        hpa.at("/spec/maxReplicas").asInt() <= partitions,
                        name(hpa) + ": no more consumers than partitions");
            }
        }
        Properties groups = new Properties();
        for (String service : List.of("incident-query-service", "notifier-service")) {
            try (var in = Files.newInputStream(
                    DIR.resolve("../../" + service + "/src/main/resources/application.properties"))) {
                Properties p = new Properties();
                p.load(in);
                groups.put(service, p.getProperty("mp.messaging.incoming.incident-events.group.id"));
            }
        }
        for (JsonNode so : byKind.getOrDefault("ScaledObject", List.of())) {
            String target = so.at("/spec/scaleTargetRef/name").asText();
            assertEquals(null, scaledBy.put(target, name(so)), target + " has one autoscaler");
            assertEquals(
                    groups.getProperty(target),
                    so.at("/spec/triggers/0/metadata/consumerGroup").asText(),
                    name(so) + ": the service's group");
            assertTrue(so.at("/spec/maxReplicaCount").asInt() <= partitions, name(so));
        }

        // Kafka: pools and topic belong to the cluster; the topic's replicas fit the brokers and survive one loss.
        String kafka = byKind.get("Kafka").get(0).at("/metadata/name").asText();
        int brokers = 0;
        for (JsonNode pool : byKind.get("KafkaNodePool")) {
            assertEquals(kafka, pool.at("/metadata/labels/strimzi.io~1cluster").asText(), name(pool));
            if (pool.at("/spec/roles").toString().contains("broker")) {
                brokers += pool.at("/spec/replicas").asInt();
            }
        }
        assertEquals(kafka, topic.at("/metadata/labels/strimzi.io~1cluster").asText());
        int replicas = topic.at("/spec/replicas").asInt();
        int minIsr = topic.at("/spec/config/min.insync.replicas").asInt();
        assertTrue(replicas <= brokers, "topic replicas " + replicas + " need as many brokers, have " + brokers);
        assertEquals(
                -1,
                topic.at("/spec/config/retention.ms").asLong(),
                "the log is kept forever: read models are rebuilt from it");
        if (overlay.startsWith("production")) {
            assertEquals(3, replicas);
            assertEquals(2, minIsr, "acks=all writes survive one broker down");
        }
        String bootstrap = byKind.get("ConfigMap")
                .get(0)
                .at("/data/KAFKA_BOOTSTRAP_SERVERS")
                .asText();
        assertEquals(kafka + "-kafka-bootstrap:9092", bootstrap, "Strimzi's bootstrap service of this cluster");

        // PostgreSQL: each service's database and role exist, with the password in the Secret the service reads.
        JsonNode cluster = byKind.get("Cluster").get(0);
        String host = byKind.get("ConfigMap").get(0).at("/data/POSTGRES_HOST").asText();
        assertEquals(cluster.at("/metadata/name").asText() + "-rw", host);
        Map<String, String> secretOfRole = new HashMap<>();
        secretOfRole.put(
                cluster.at("/spec/bootstrap/initdb/owner").asText(),
                cluster.at("/spec/bootstrap/initdb/secret/name").asText());
        for (JsonNode role : cluster.at("/spec/managed/roles")) {
            secretOfRole.put(
                    role.path("name").asText(), role.at("/passwordSecret/name").asText());
        }
        Map<String, String> ownerOfDatabase = new HashMap<>();
        ownerOfDatabase.put(
                cluster.at("/spec/bootstrap/initdb/database").asText(),
                cluster.at("/spec/bootstrap/initdb/owner").asText());
        for (JsonNode db : byKind.get("Database")) {
            assertEquals(
                    cluster.at("/metadata/name").asText(),
                    db.at("/spec/cluster/name").asText(),
                    name(db));
            ownerOfDatabase.put(
                    db.at("/spec/name").asText(), db.at("/spec/owner").asText());
        }
        Set<String> secrets = new java.util.HashSet<>();
        byKind.getOrDefault("Secret", List.of())
                .forEach(s -> secrets.add(s.at("/metadata/name").asText()));
        for (JsonNode d : deployments) {
            JsonNode env = d.at("/spec/template/spec/containers/0/env");
            if (d.at("/metadata/name").asText().equals("incident-console")) {
                // The console has no database (nor Kafka): it reads and writes through the services' APIs only.
                assertTrue(
                        env.findValuesAsText("name").stream()
                                .noneMatch(n -> n.startsWith("QUARKUS_DATASOURCE") || n.startsWith("KAFKA")),
                        name(d) + " reaches no database");
                continue;
            }
            String url = value(env, "QUARKUS_DATASOURCE_JDBC_URL").path("value").asText();
            String database = url.substring(url.lastIndexOf('/') + 1);
            String owner = ownerOfDatabase.get(database);
            assertTrue(owner != null, name(d) + ": database " + database + " is created");
            assertEquals(
                    secretOfRole.get(owner),
                    value(env, "QUARKUS_DATASOURCE_PASSWORD")
                            .at("/valueFrom/secretKeyRef/name")
                            .asText(),
                    name(d) + ": reads the password of " + owner);
            if (overlay.equals("dev")) {
                for (JsonNode e : env) {
                    JsonNode ref = e.at("/valueFrom/secretKeyRef");
                    if (!ref.isMissingNode() && !ref.path("optional").asBoolean(false)) {
                        assertTrue(
                                secrets.contains(ref.path("name").asText()),
                                name(d) + ": Secret " + ref.path("name").asText() + " is generated");
                    }
                }
            }
        }
    }

    private static JsonNode value(JsonNode env, String name) {
        for (JsonNode e : env) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static String name(JsonNode o) {
        return o.path("kind").asText() + " " + o.at("/metadata/name").asText();
    }

    /** A field the typed model does not know lands in additionalProperties: any such field, anywhere, is an error. */
    private static void unknownFields(Object node, String path, List<String> errors) {
        if (node == null
                || node instanceof String
                || node instanceof Number
                || node instanceof Boolean
                || node instanceof Enum) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", errors);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, errors));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = m.invoke(node);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        errors.add(path + ": unknown field(s) " + extra.keySet());
                    }
                } else {
                    unknownFields(
                            value,
                            path + "." + Character.toLowerCase(m.getName().charAt(3))
                                    + m.getName().substring(4),
                            errors);
                }
            } catch (ReflectiveOperationException e) {
                errors.add(path + ": cannot read " + m.getName() + ": " + e);
            }
        }
    }

    /** "group/version/Kind" -> openAPIV3Schema, from the operators' CRDs. */
    private static Map<String, JsonNode> crdSchemas() {
        Map<String, JsonNode> schemas = new HashMap<>();
        try (Stream<Path> files = Files.list(DIR.resolve("src/test/resources/crds"))) {
            for (Path f : files.toList()) {
                try (YAMLParser parser = new YAMLFactory().createParser(f.toFile())) {
                    for (JsonNode crd : YAML.readValues(parser, JsonNode.class).readAll()) {
                        if (crd == null || !crd.path("kind").asText().equals("CustomResourceDefinition")) {
                            continue;
                        }
                        String group = crd.at("/spec/group").asText();
                        String kind = crd.at("/spec/names/kind").asText();
                        for (JsonNode v : crd.at("/spec/versions")) {
                            if (v.path("served").asBoolean()) {
                                ObjectNode schema = (ObjectNode) v.at("/schema/openAPIV3Schema");
                                schemas.put(group + "/" + v.path("name").asText() + "/" + kind, schema);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CRDs", e);
        }
        return schemas;
    }
}
