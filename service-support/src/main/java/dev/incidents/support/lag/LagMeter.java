package dev.incidents.support.lag;

import dev.incidents.support.lag.ConsumerLag.Lag;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures one consumer group's lag on one topic from the outside, as Kafka sees it: committed offsets against end
 * offsets, and the timestamp of the first record still waiting on each partition.
 */
public final class LagMeter implements AutoCloseable {

    private static final Duration ASK = Duration.ofSeconds(5);

    private final String group;
    private final String topic;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> peek;

    public LagMeter(String bootstrapServers, String group, String topic) {
        this.group = group;
        this.topic = topic;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) ASK.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ASK.toMillis()));
        this.peek = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        // No group: it is assigned partitions, reads one record of each and never commits.
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        64 * 1024,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The group's lag now. */
    public Lag measure() throws Exception {
        List<TopicPartition> partitions = admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        // Where the group starts on a partition it never committed on (auto.offset.reset=earliest).
        List<TopicPartition> uncommitted =
                partitions.stream().filter(p -> committed.get(p) == null).toList();
        Map<TopicPartition, Long> starts =
                uncommitted.isEmpty() ? Map.of() : offsets(uncommitted, OffsetSpec.earliest());

        Map<TopicPartition, Long> waiting = new HashMap<>();
        long events = 0;
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            long from = c != null ? c.offset() : starts.getOrDefault(p, 0L);
            long behind = Math.max(0, ends.getOrDefault(p, 0L) - from);
            if (behind > 0) {
                waiting.put(p, from);
                events += behind;
            }
        }
        double seconds = 0;
        if (!waiting.isEmpty()) {
            long oldest = oldestTimestamp(waiting);
            seconds = oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
        }
        return new Lag(events, seconds, Instant.now());
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        partitions.forEach(p -> ask.put(p, spec));
        Map<TopicPartition, ListOffsetsResultInfo> answer =
                admin.listOffsets(ask).all().get(ASK.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    /** The smallest timestamp among the first waiting record of each partition. */
    private long oldestTimestamp(Map<TopicPartition, Long> waiting) {
        peek.assign(waiting.keySet());
        waiting.forEach(peek::seek);
        Map<TopicPartition, Long> first = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (first.size() < waiting.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : peek.poll(Duration.ofMillis(200))) {
                first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.timestamp());
            }
            peek.pause(first.keySet());
        }
        peek.resume(peek.assignment());
        return first.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    @Override
    public void close() {
        peek.close(Duration.ofSeconds(1));
        admin.close(Duration.ofSeconds(1));
    }
}
