package dev.incidents.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (one node, broker and controller in one), running in this JVM from Kafka's
 * own jars: the same broker code as production, only the cluster size differs. Its log stays in the data folder
 * across restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String FOLDER_LOCK = ".embedded-kafka.lock";

    /** One node of a cluster on loopback; every node is both controller and broker. */
    public record Node(int nodeId, int clientPort, int controllerPort) {}

    /**
     * A KRaft cluster on loopback, every node a controller and a broker, with a static voter set. With three nodes
     * or more, topics default to three replicas and two in sync: the cluster takes writes with one node down.
     */
    public record Cluster(String clusterId, List<Node> nodes) {

        /** {@code size} nodes on free ports, with a new cluster id. */
        public static Cluster onFreePorts(int size) {
            List<Node> nodes = new java.util.ArrayList<>();
            try {
                for (int i = 1; i <= size; i++) {
                    nodes.add(new Node(i, InfraFiles.freePort(), InfraFiles.freePort()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Cluster(Uuid.randomUuid().toString(), List.copyOf(nodes));
        }

        /** The {@code --cluster} form of EmbeddedKafkaMain: {@code <id>/<node>:<client port>:<controller port>,...}. */
        public String describe() {
            return clusterId + "/"
                    + String.join(
                            ",",
                            nodes.stream()
                                    .map(n -> n.nodeId() + ":" + n.clientPort() + ":" + n.controllerPort())
                                    .toList());
        }

        public static Cluster parse(String described) {
            String[] idAndNodes = described.split("/", 2);
            List<Node> nodes = new java.util.ArrayList<>();
            for (String n : idAndNodes[1].split(",")) {
                String[] parts = n.split(":");
                nodes.add(new Node(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
            }
            return new Cluster(idAndNodes[0], List.copyOf(nodes));
        }

        public Node node(int nodeId) {
            return nodes.stream()
                    .filter(n -> n.nodeId() == nodeId)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " in " + describe()));
        }

        public String bootstrapServers() {
            return String.join(
                    ",", nodes.stream().map(n -> "127.0.0.1:" + n.clientPort()).toList());
        }

        String voters() {
            return String.join(
                    ",",
                    nodes.stream()
                            .map(n -> n.nodeId() + "@127.0.0.1:" + n.controllerPort())
                            .toList());
        }

        int replication() {
            return Math.min(3, nodes.size());
        }

        int minInSync() {
            return nodes.size() >= 3 ? 2 : 1;
        }
    }

    private final KafkaRaftServer server;
    private final FileLock folderLock;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean temporary;
    private boolean closed;

    private EmbeddedKafka(
            KafkaRaftServer server, FileLock folderLock, String bootstrapServers, Path dataDir, boolean temporary) {
        this.server = server;
        this.folderLock = folderLock;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.temporary = temporary;
    }

    /** A broker in a fresh temporary folder on a free port; the folder is deleted on close. */
    public static EmbeddedKafka startTemporary() {
        Path dir;
        try {
            dir = Files.createTempDirectory("embedded-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(dir, 0, true);
    }

    /**
     * A broker keeping its log in {@code dataDir}: formatted on first use, reused as it is afterwards. Returns once
     * clients can connect.
     *
     * @param port the client port on 127.0.0.1; 0 picks a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(Objects.requireNonNull(dataDir, "dataDir"), port, false);
    }

    private static EmbeddedKafka start(Path dataDir, int port, boolean temporary) {
        long t0 = System.nanoTime();
        KafkaLogging.quietBroker();
        EmbeddedKafka kafka = null;
        FileLock folderLock = null;
        try {
            Path logDir = dataDir.toAbsolutePath();
            Files.createDirectories(logDir);
            folderLock = lockFolder(logDir);
            int clientPort = port == 0 ? InfraFiles.freePort() : port;
            Cluster single = new Cluster(
                    Uuid.randomUuid().toString(), List.of(new Node(NODE_ID, clientPort, InfraFiles.freePort())));
            return startNode(logDir, single, NODE_ID, folderLock, temporary, t0);
        } catch (IOException | RuntimeException e) {
            release(folderLock);
            if (temporary) {
                InfraFiles.deleteRecursively(dataDir);
            }
            throw new IllegalStateException("cannot start Kafka in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * One node of {@code cluster}, keeping its log in {@code dataDir}; returns once the cluster answers (which takes
     * a majority of the controllers: start the other nodes at the same time).
     */
    public static EmbeddedKafka startClusterNode(Path dataDir, Cluster cluster, int nodeId) {
        long t0 = System.nanoTime();
        KafkaLogging.quietBroker();
        FileLock folderLock = null;
        try {
            Path logDir = dataDir.toAbsolutePath();
            Files.createDirectories(logDir);
            folderLock = lockFolder(logDir);
            return startNode(logDir, cluster, nodeId, folderLock, false, t0);
        } catch (IOException | RuntimeException e) {
            release(folderLock);
            throw new IllegalStateException(
                    "cannot start Kafka node " + nodeId + " in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedKafka startNode(
            Path logDir, Cluster cluster, int nodeId, FileLock folderLock, boolean temporary, long t0) {
        Node node = cluster.node(nodeId);
        EmbeddedKafka kafka = null;
        try {
            KafkaConfig config = new KafkaConfig(brokerProperties(logDir, cluster, node), false);
            boolean fresh = !Files.exists(logDir.resolve("meta.properties"));
            if (fresh) {
                format(logDir.toString(), cluster.clusterId(), nodeId);
            }
            int clientPort = node.clientPort();
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            kafka = new EmbeddedKafka(server, folderLock, "127.0.0.1:" + clientPort, logDir, temporary);
            server.startup();
            kafka.awaitReady();
            LOG.info(
                    "Kafka ready on {} in {} ms ({} log in {})",
                    kafka.bootstrapServers,
                    (System.nanoTime() - t0) / 1_000_000,
                    fresh ? "new" : "existing",
                    logDir);
            return kafka;
        } catch (RuntimeException e) {
            if (kafka != null) {
                try {
                    kafka.close(); // releases the folder; the caller's release is then a no-op
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Kafka's own lock on the folder is taken by the broker half, after the controller half has already appended to
     * the metadata log there: a second instance on a folder in use would write into the first one's log before
     * failing, and the first one halts on the fault. This lock is taken before Kafka touches anything.
     */
    private static FileLock lockFolder(Path logDir) throws IOException {
        FileChannel channel =
                FileChannel.open(logDir.resolve(FOLDER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another embedded Kafka is using " + logDir);
        }
        return lock;
    }

    private static void release(FileLock lock) {
        if (lock != null) {
            try {
                lock.channel().close(); // releases the lock
            } catch (IOException e) {
                // the lock goes with the process anyway
            }
        }
    }

    private static Properties brokerProperties(Path logDir, Cluster cluster, Node node) {
        int clientPort = node.clientPort();
        int controllerPort = node.controllerPort();
        String replication = Integer.toString(cluster.replication());
        String minInSync = Integer.toString(cluster.minInSync());
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node.nodeId()));
        // A static voter set is read from this configuration at every start, so the controller may take a different
        // free port each time; a dynamic quorum would keep the first port in its log and fail on the next start.
        p.put("controller.quorum.voters", cluster.voters());
        p.put("controller.listener.names", CONTROLLER);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every topic, internal ones included, has one replica and needs one in sync. Three or more: three
        // replicas, two in sync, so that the cluster goes on with any one node down.
        p.put("offsets.topic.replication.factor", replication);
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("min.insync.replicas", minInSync);
        p.put("default.replication.factor", replication);
        // Fewer partitions of the internal topics (default 50 each): created and loaded in a fraction of the time.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // Consumers join at once instead of waiting for more members that will not come.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        // The event log is kept forever: no time limit (and no size limit, the default).
        p.put("log.retention.ms", "-1");
        return p;
    }

    /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
    private static void format(String logDir, String clusterId, int nodeId) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(nodeId)
                    .setControllerListenerName(CONTROLLER)
                    .setMetadataLogDirectory(logDir)
                    .setDirectories(List.of(logDir))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir, e);
        }
    }

    /** The broker is ready when it answers a metadata request listing itself. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
            }
        }
        throw new IllegalStateException("Kafka not ready after " + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The folder holding the broker's log. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topic (replication factor 1) unless it exists. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
    }

    /** Shuts the broker down cleanly (the next start skips log recovery); the data folder stays unless temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
            LOG.info("Kafka on {} stopped in {} ms", bootstrapServers, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            release(folderLock);
            if (temporary) {
                InfraFiles.deleteRecursively(dataDir);
            }
        }
    }

    /** Deletes a data folder that is no longer wanted, e.g. one a test passed to {@link #start(Path, int)}. */
    public static void deleteDataDir(Path dataDir) {
        InfraFiles.deleteRecursively(dataDir);
    }
}
