package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until the system has digested what earlier scenarios sent: the outbox relayed, both consumer groups at the
 * end of incident-events, no first delivery waiting. A scenario measured on top of another's backlog would measure
 * the backlog.
 */
final class Quiet {

    private Quiet() {}

    static void await(LocalSystem system, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long backlog;
        do {
            backlog = outbox(system) + lag(system.bootstrapServers(), "incident-query-service") + lag(system.bootstrapServers(), "notifier-service")
                    + firstDeliveriesDue(system);
            if (backlog > 0) {
                Thread.sleep(500);
            }
        } while (backlog > 0 && System.nanoTime() < deadline);
        System.out.printf(Locale.ROOT, "[suite] quiet after %.1f s%s%n", (System.nanoTime() - t0) / 1e9,
                backlog > 0 ? " (gave up with " + backlog + " items of backlog)" : "");
    }

    private static long count(LocalSystem system, String database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(system.jdbcUrl(database), system.postgresUser(), system.postgresPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long outbox(LocalSystem system) throws Exception {
        return count(system, "incident_command", "select count(*) from outbox");
    }

    private static long firstDeliveriesDue(LocalSystem system) throws Exception {
        return count(system, "incident_notifier", "select count(*) from delivery where status = 'pending' and attempts = 0");
    }

    private static long lag(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            List<TopicPartition> partitions = admin.describeTopics(List.of(LocalSystem.TOPIC)).allTopicNames().get().get(LocalSystem.TOPIC)
                    .partitions().stream().map(p -> new TopicPartition(LocalSystem.TOPIC, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            long lag = 0;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                lag += ends.get(p).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }
}
