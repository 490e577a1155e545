package dev.incidents.infra;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link EmbeddedKafka} as a process of its own: {@code --data-dir <path> --port <n>}. Prints
 * {@code KAFKA_READY <bootstrap servers>} once clients can connect; SIGTERM or Ctrl-C shuts it down cleanly.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(".local-data/kafka");
        int port = 9092;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --data-dir <path> --port <n>");
            }
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-stop"));
        System.out.println("KAFKA_READY " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
