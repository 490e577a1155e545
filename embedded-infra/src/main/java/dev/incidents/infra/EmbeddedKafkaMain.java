package dev.incidents.infra;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link EmbeddedKafka} as a process of its own: {@code --data-dir <path> --port <n>} (port 0 picks a free
 * one), or one node of a cluster: {@code --data-dir <path> --cluster <EmbeddedKafka.Cluster#describe()> --node-id <n>}. Prints exactly one line to stdout, {@code KAFKA_READY <bootstrap servers>}, once clients can connect, and
 * then blocks; SIGTERM or Ctrl-C shuts the broker down cleanly. If it cannot start it exits with status 1.
 *
 * <p>Logging goes to whatever SLF4J backend the classpath holds (slf4j-jdk14 in the local launcher), at WARN, so
 * that stdout carries nothing but the ready line.
 */
public final class EmbeddedKafkaMain {

    private static final String USAGE =
            "usage: EmbeddedKafkaMain --data-dir <path> (--port <n> | --cluster <id>/<node>:<port>:<controller port>,..."
                    + " --node-id <n>)";

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        // Before any Kafka class asks for a logger.
        KafkaLogging.quietWholeJvm();

        Path dataDir = Path.of(".local-data/kafka");
        int port = 9092;
        String cluster = null;
        int nodeId = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                fail(args[i] + " needs a value; " + USAGE, null);
            }
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--port" -> port = parsePort(args[i + 1]);
                case "--cluster" -> cluster = args[i + 1];
                case "--node-id" -> nodeId = Integer.parseInt(args[i + 1]);
                default -> fail("unknown option " + args[i] + "; " + USAGE, null);
            }
        }

        EmbeddedKafka kafka = null;
        try {
            kafka = cluster == null
                    ? EmbeddedKafka.start(dataDir, port)
                    : EmbeddedKafka.startClusterNode(dataDir, EmbeddedKafka.Cluster.parse(cluster), nodeId);
        } catch (RuntimeException e) {
            // Broker threads may still be alive: exit rather than leave a launcher waiting for a line that never comes.
            fail("Kafka did not start: " + e.getMessage(), e);
        }

        EmbeddedKafka started = kafka;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                started.close();
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "kafka-stop"));
        System.out.println("KAFKA_READY " + started.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("--port takes 0..65535, not " + value, null);
        return -1;
    }

    private static void fail(String message, Throwable cause) {
        System.err.println(message);
        if (cause != null) {
            cause.printStackTrace();
        }
        System.exit(1);
    }
}
