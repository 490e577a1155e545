package dev.incidents.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How fast a tenant's log leaves one installation and enters another: Alertmanager groups of 50 alerts fill the
 * source (about 51 events per request), then {@code GET /api/v1/export} is read to a file and {@code POST
 * /api/v1/import} sends it to a second, fresh installation; the same file imported again measures the idempotent
 * path (everything already present). {@code -Dbench.requests} (default 2000) sets the size.
 */
public final class EventLogBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("bench.requests", 2000);
        int rate = Integer.getInteger("bench.rate", 40);
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        Path out = root.resolve("benchmarks/target");
        Files.createDirectories(out);
        Path file = out.resolve("event-log-export.ndjson");
        StringBuilder md = new StringBuilder("| figure | result |\n|---|---|\n");
        try (LocalSystem source = LocalSystem.start(options(root, "bench-log-source"), msg -> {}, r -> {})) {
            IngestBenchmark load = new IngestBenchmark(source.commandUrl(), source.apiKey(), 50);
            IngestBenchmark.Step filled = load.run(rate, Math.max(1, requests / rate));
            System.out.printf("[log] filled: %d requests, %d errors%n", filled.requests(), filled.errors());

            long t0 = System.nanoTime();
            HttpResponse<Path> exported = HTTP.send(
                    HttpRequest.newBuilder(URI.create(source.commandUrl() + "/api/v1/export"))
                            .header("Authorization", "Bearer " + source.token("admin"))
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(file));
            double exportSeconds = (System.nanoTime() - t0) / 1e9;
            if (exported.statusCode() != 200) {
                throw new IllegalStateException("export answered " + exported.statusCode());
            }
            long events = Long.parseLong(
                    exported.headers().firstValue("Export-Events").orElse("0"));
            long bytes = Files.size(file);
            md.append(String.format(
                    "| export of %,d events (%,d MB) | %.1f s, %,.0f events/s, %.1f MB/s |%n",
                    events, bytes >> 20, exportSeconds, events / exportSeconds, bytes / 1e6 / exportSeconds));

            try (LocalSystem target = LocalSystem.start(options(root, "bench-log-target"), msg -> {}, r -> {})) {
                for (String pass :
                        new String[] {"import into a fresh installation", "the same file again (all present)"}) {
                    long t1 = System.nanoTime();
                    HttpResponse<String> imported = HTTP.send(
                            HttpRequest.newBuilder(URI.create(target.commandUrl() + "/api/v1/import"))
                                    .header("Authorization", "Bearer " + target.token("admin"))
                                    .header("Content-Type", "application/x-ndjson")
                                    .timeout(Duration.ofMinutes(30))
                                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    double seconds = (System.nanoTime() - t1) / 1e9;
                    JsonNode report = JSON.readTree(imported.body());
                    md.append(String.format(
                            "| %s | %.1f s, %,.0f events/s (imported %,d, present %,d, refused %,d) |%n",
                            pass,
                            seconds,
                            report.path("lines").asLong() / seconds,
                            report.path("imported").asLong(),
                            report.path("alreadyPresent").asLong(),
                            report.path("refused").asLong()));
                }
            }
        }
        Files.delete(file);
        Files.writeString(out.resolve("event-log.md"), md);
        System.out.println();
        System.out.println(md);
        System.out.println("written to " + out.resolve("event-log.md"));
    }

    private static LocalSystem.Options options(Path root, String name) throws Exception {
        return new LocalSystem.Options(
                root, Files.createTempDirectory(name), null, null, null, null, 0, 0, 0, 0, 0, 0, 6);
    }
}
