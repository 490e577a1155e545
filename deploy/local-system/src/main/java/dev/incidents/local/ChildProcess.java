package dev.incidents.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM the launcher started, its output going to a log file (never to our own streams). */
final class ChildProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String name;
    final Path log;
    private final Process process;

    private ChildProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logDir)
            throws IOException {
        return start(name, command, null, env, logDir);
    }

    /** Starts {@code command} in {@code directory} (the launcher's own when null), its output in the log. */
    static ChildProcess start(String name, List<String> command, Path directory, Map<String, String> env, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        pb.environment().putAll(env);
        return new ChildProcess(name, log, pb.start());
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits until the log shows {@code marker}; returns the rest of that line. */
    String awaitLogLine(String marker, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    int at = line.indexOf(marker);
                    if (at >= 0) {
                        return line.substring(at + marker.length()).trim();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    /** Waits until {@code url} answers 200 (a readiness probe). */
    void awaitHttpOk(String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    /** SIGKILL, as a crash or an OOM kill would end it. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Dumps this JVM's threads ({@code jcmd Thread.print}) into {@code dir} and returns the few that move work along
     * (the Kafka consumer, the delivery sender and recorder, blocking workers), each with its top frames.
     */
    String threadsAtWork(Path dir) {
        Path dump = dir.resolve(name + "-threads-" + System.currentTimeMillis() + ".txt");
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid()),
                            "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(dump.toFile())
                    .start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return name + ": no thread dump within 30 s\n";
            }
            StringBuilder out = new StringBuilder(name + " threads (all in " + dump + "):\n");
            // A thread's block: its header line, then its frames, up to a blank line.
            for (String block : Files.readString(dump).split("\n\\s*\n")) {
                String header = block.lines().findFirst().orElse("");
                boolean idleInPool =
                        block.contains("PoolThreadNode.park") || block.contains("ThreadPoolExecutor.getTask");
                boolean moves = header.contains("kafka-consumer")
                        || header.contains("delivery-")
                        || header.contains("executor-thread")
                        || header.contains("vert.x-worker");
                if (moves && !idleInPool) {
                    block.lines()
                            .limit(8)
                            .forEach(l -> out.append("  ").append(l.strip()).append('\n'));
                }
            }
            return out.toString();
        } catch (IOException e) {
            return name + ": no thread dump: " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return name + ": interrupted\n";
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (a clean Quarkus or Kafka shutdown), then force after a grace period. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
