package dev.incidents.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.query.lag.LagHeaders;
import dev.incidents.support.lag.ConsumerLag;
import dev.incidents.support.lag.LagMeter;
import dev.incidents.testsupport.ManagementChecks;
import dev.incidents.testsupport.TestAuth;
import dev.incidents.testsupport.TestInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Lag is what Kafka says the group has not committed yet: a group that stands still while events arrive is behind
 * by exactly those events, and by their age; the live consumer's lag is exported and sent with every read.
 */
@QuarkusTest
@QueryServiceTest
class ConsumerLagTest {

    private static final String TOPIC = "incident-events";

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void aGroupThatStandsStill_isBehindByTheEventsWrittenSince_andCatchesUpWhenItCommits() throws Exception {
        String group = "lag-test-" + UUID.randomUUID();
        String bootstrap = TestInfrastructure.servers().bootstrapServers();
        try (LagMeter meter = new LagMeter(bootstrap, group, TOPIC);
                KafkaConsumer<byte[], byte[]> standing = consumer(bootstrap, group)) {
            List<TopicPartition> partitions = standing.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition()))
                    .toList();
            standing.assign(partitions);
            standing.seekToEnd(partitions);
            commitPositions(standing, partitions);
            assertEquals(0, meter.measure().events());
            assertEquals(0.0, meter.measure().seconds());

            Events incident = new Events();
            incident.publish(incident.declared());
            incident.publish(incident.envelope(
                    2, Events.wat("09:00"), new dev.incidents.domain.IncidentEvent.IncidentAcknowledged("ada")));
            incident.publish(incident.envelope(
                    3, Events.wat("09:10"), new dev.incidents.domain.IncidentEvent.IncidentResolved("fixed")));
            ConsumerLag.Lag behind = meter.measure();
            assertEquals(3, behind.events());
            assertTrue(behind.seconds() >= 0 && behind.seconds() < 60, "age of the oldest waiting event: " + behind);

            standing.seekToEnd(partitions);
            commitPositions(standing, partitions);
            assertEquals(0, meter.measure().events());
        }
    }

    @Test
    void theServicesOwnLag_isAMetric_andAHeaderOnReads() throws Exception {
        Response read = null;
        for (int i = 0; i < 100; i++) {
            read = given().auth().oauth2(TestAuth.token("viewer")).when().get("/api/v1/incidents");
            if (read.getHeader(LagHeaders.EVENTS) != null) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(200, read.statusCode());
        assertTrue(Long.parseLong(read.getHeader(LagHeaders.EVENTS)) >= 0, "events behind");
        assertTrue(Double.parseDouble(read.getHeader(LagHeaders.SECONDS)) >= 0, "seconds behind");
        String metrics = ManagementChecks.body(management, "/q/metrics");
        assertTrue(
                metrics.contains("incidents_consumer_lag_events{group=\"incident-query-service\"}"),
                "lag in events is exported");
        assertTrue(
                metrics.contains("incidents_consumer_lag_seconds{group=\"incident-query-service\"}"),
                "lag in seconds is exported");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void commitPositions(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            offsets.put(p, new OffsetAndMetadata(c.position(p)));
        }
        c.commitSync(offsets, Duration.ofSeconds(10));
    }
}
