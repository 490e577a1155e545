package dev.incidents.infra;

import static dev.incidents.infra.Timing.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final String TOPIC = "incident-events";

    @Test
    void recordProducedWithAcksAll_isConsumedBack() throws Exception {
        try (EmbeddedKafka kafka = timed("Kafka start (temporary, new log)", EmbeddedKafka::startTemporary)) {
            kafka.createTopic(TOPIC, 3);
            kafka.createTopic(TOPIC, 3); // idempotent

            RecordMetadata sent = produce(kafka.bootstrapServers(), "incident-1", "declared");

            List<ConsumerRecord<String, String>> got = consume(kafka.bootstrapServers(), 1);
            assertEquals(1, got.size());
            assertEquals("incident-1", got.get(0).key());
            assertEquals("declared", got.get(0).value());
            assertEquals(sent.partition(), got.get(0).partition());
            assertEquals(sent.offset(), got.get(0).offset());
        }
    }

    @Test
    void recordSurvivesABrokerRestart_onTheSameDataDir(@TempDir Path dir) throws Exception {
        String clusterId;
        try (EmbeddedKafka kafka = timed("Kafka start (new log, formats storage)", () -> EmbeddedKafka.start(dir, 0))) {
            kafka.createTopic(TOPIC, 3);
            produce(kafka.bootstrapServers(), "incident-7", "resolved");
            clusterId = clusterId(dir);
            timed("Kafka clean shutdown", kafka::close);
        }
        assertTrue(Files.exists(dir.resolve(".kafka_cleanshutdown")), "a clean shutdown leaves its marker");

        try (EmbeddedKafka again = timed("Kafka restart (existing log)", () -> EmbeddedKafka.start(dir, 0))) {
            assertEquals(clusterId, clusterId(dir), "the existing storage is reused, not formatted again");
            List<ConsumerRecord<String, String>> got = consume(again.bootstrapServers(), 1);
            assertEquals(1, got.size(), "the log outlives the broker");
            assertEquals("incident-7", got.get(0).key());
            assertEquals("resolved", got.get(0).value());
        }
        assertTrue(Files.exists(dir.resolve("meta.properties")), "close leaves a given data folder alone");
    }

    @Test
    void secondBrokerOnAFolderInUse_isRefused_andTheFirstKeepsWorking(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(dir, 0));
            assertTrue(refused.getMessage().contains("another embedded Kafka is using"), refused.getMessage());

            produce(kafka.bootstrapServers(), "incident-3", "acknowledged");
            assertEquals(1, consume(kafka.bootstrapServers(), 1).size());
        }
    }

    @Test
    void temporaryBroker_deletesItsFolderOnClose() {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            dir = kafka.dataDir();
            assertTrue(Files.exists(dir.resolve("meta.properties")));
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void autoCreatedTopic_acceptsRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            RecordMetadata sent = produce(kafka.bootstrapServers(), "k", "v"); // TOPIC does not exist yet
            assertEquals(0, sent.offset());
        }
    }

    @Test
    void main_printsOnlyTheReadyLine_andShutsDownCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        classpath,
                        EmbeddedKafkaMain.class.getName(),
                        "--data-dir",
                        dir.toString(),
                        "--port",
                        "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            System.out.printf(
                    "TIMING %-45s %6d ms%n", "Kafka child JVM until KAFKA_READY", (System.nanoTime() - t0) / 1_000_000);
            assertNotNull(line, "the child printed nothing");
            assertTrue(line.matches("KAFKA_READY 127\\.0\\.0\\.1:\\d+"), line);

            produce(line.substring("KAFKA_READY ".length()), "incident-9", "opened");

            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the broker stops within 30 s");
            assertEquals(143, p.exitValue(), "128 + SIGTERM: stopped by the signal, through the shutdown hook");
            assertNull(out.readLine(), "nothing on stdout but the ready line");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(Files.exists(dir.resolve(".kafka_cleanshutdown")), "the shutdown hook closed the broker cleanly");
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clusterId(Path dir) throws Exception {
        Properties meta = new Properties();
        try (var in = Files.newInputStream(dir.resolve("meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    private static RecordMetadata produce(String bootstrap, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        try (KafkaProducer<String, String> p =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return p.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < count && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        return got;
    }

    @Test
    void aClusterDescription_survivesTheCommandLine() {
        EmbeddedKafka.Cluster cluster = EmbeddedKafka.Cluster.onFreePorts(3);
        assertEquals(cluster, EmbeddedKafka.Cluster.parse(cluster.describe()));
        assertEquals(3, cluster.replication());
        assertEquals(2, cluster.minInSync());
        assertEquals(
                "1@127.0.0.1:" + cluster.node(1).controllerPort() + ",2@127.0.0.1:"
                        + cluster.node(2).controllerPort() + ",3@127.0.0.1:"
                        + cluster.node(3).controllerPort(),
                cluster.voters());
    }
}
