package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Each service alone: from launching its JVM (java -jar quarkus-run.jar, JVM mode) to its readiness probe
 * answering 200, and its resident memory after idling, read from /proc (Linux).
 */
final class FootprintBenchmark {

    record Service(String name, double readySeconds, double idleRssMb) {}

    static final List<String> SERVICES =
            List.of("incident-command-service", "incident-query-service", "notifier-service");

    static List<Service> measure(LocalSystem system, int idleSeconds) throws Exception {
        List<Service> out = new ArrayList<>();
        for (String module : SERVICES) {
            system.stopService(module);
            long t0 = System.nanoTime();
            system.startService(module);
            double ready = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(idleSeconds * 1_000L);
            double rss = rssMb(system.pid(module));
            out.add(new Service(module, ready, rss));
            System.out.printf(Locale.ROOT, "[footprint] %s: ready in %.2f s, idle RSS %.0f MB%n", module, ready, rss);
        }
        return out;
    }

    /** VmRSS of a process in MB; NaN where /proc is not there. */
    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** This step alone: {@code BENCHMARKS=FootprintBenchmark SKIP_BUILD=true ./run-benchmarks}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                root, Files.createTempDirectory("incidents-bench"), null, null, null, null, 0, 0, 0, 0, 0, 0, 6);
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            measure(system, Integer.getInteger("bench.idle-seconds", 10));
        }
    }
}
