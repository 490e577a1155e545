package dev.incidents.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedServersTest {

    @Test
    void recordProducedWithAcksAll_isConsumedBack_andSurvivesABrokerRestart() throws Exception {
        Path dir = Files.createTempDirectory("kafka-test");
        try {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
                kafka.createTopic("things", 3);
                produce(kafka.bootstrapServers(), "incident-1", "declared");
                assertEquals(List.of("incident-1=declared"), consume(kafka.bootstrapServers(), 1));
            }
            try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0)) {
                assertEquals(List.of("incident-1=declared"), consume(again.bootstrapServers(), 1), "the log outlives the broker");
            }
        } finally {
            EmbeddedKafka.deleteRecursively(dir);
        }
    }

    @Test
    void databasesAndRows_surviveAPostgresRestart() throws Exception {
        Path dir = Files.createTempDirectory("pg-test");
        try {
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
                pg.createDatabase("alpha");
                pg.createDatabase("alpha"); // idempotent
                pg.createDatabase("beta");
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl("alpha"), pg.username(), pg.password());
                        Statement s = c.createStatement()) {
                    s.execute("create table t (v text)");
                    s.execute("insert into t values ('kept')");
                }
            }
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
                    Connection c = DriverManager.getConnection(pg.jdbcUrl("alpha"), pg.username(), pg.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select v from t")) {
                rs.next();
                assertEquals("kept", rs.getString(1));
            }
        } finally {
            EmbeddedKafka.deleteRecursively(dir);
        }
    }

    private static void produce(String bootstrap, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("things", key, value)).get();
        }
    }

    private static List<String> consume(String bootstrap, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("things"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r.key() + "=" + r.value());
                }
            }
        }
        return got;
    }
}
