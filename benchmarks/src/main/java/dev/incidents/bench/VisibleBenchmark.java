package dev.incidents.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * POST to visible under load: while Alertmanager alerts arrive open loop at {@code loadRate}, incidents are declared
 * one at a time, and for each we measure from its 201 until (a) a read with minSequence answers it and (b) its event
 * arrives on the live stream (SSE) a dashboard holds open.
 */
final class VisibleBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code readErrors}: declarations refused or reads that gave up (504); {@code streamMissing}: never on the stream. */
    record Figures(
            int loadRate,
            int samples,
            double readP50,
            double readP99,
            double streamP50,
            double streamP99,
            int readErrors,
            int streamMissing) {}

    static Figures measure(LocalSystem system, int loadRate, int samples) throws Exception {
        String token = system.token("responder");
        Map<String, Long> streamed = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<HttpResponse<Void>> stream = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/stream"))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                        listening.countDown(); // the stream answered: the server is listening for changes
                    }

                    public void onNext(String line) {
                        if (line.startsWith("data:")) {
                            long at = System.nanoTime();
                            try {
                                JsonNode e = JSON.readTree(line.substring(5));
                                if (e.path("sequence").asLong() == 1) {
                                    streamed.putIfAbsent(e.path("incidentId").asText(), at);
                                }
                            } catch (Exception ignored) {
                                // not an incident event
                            }
                        }
                    }

                    public void onError(Throwable t) {}

                    public void onComplete() {}
                }));
        if (!listening.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the live stream did not answer");
        }
        IngestBenchmark load = new IngestBenchmark(system.commandUrl(), system.apiKey(), 1);
        int loadSeconds = Math.max(3, samples / 5 + 5);
        Thread loader = new Thread(
                () -> {
                    try {
                        load.run(Math.max(1, loadRate), loadSeconds);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "visible-load");
        loader.start();
        Thread.sleep(1_000); // the load is under way

        LatencyRecorder read = new LatencyRecorder();
        LatencyRecorder live = new LatencyRecorder();
        Map<String, Long> accepted = new ConcurrentHashMap<>();
        for (int i = 0; i < samples; i++) {
            HttpResponse<String> declared = HTTP.send(
                    HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"title\": \"visible " + i + "\", \"severity\": \"SEV3\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long t0 = System.nanoTime();
            if (declared.statusCode() != 201) {
                read.error();
                continue;
            }
            String id = JSON.readTree(declared.body()).get("incidentId").asText();
            accepted.put(id, t0);
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(system.queryUrl() + "/api/v1/incidents/" + id + "?minSequence=1"))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                read.record((System.nanoTime() - t0) / 1_000);
            } else {
                read.error();
            }
            Thread.sleep(150);
        }
        loader.join();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!streamed.keySet().containsAll(accepted.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        stream.cancel(true);
        for (Map.Entry<String, Long> a : accepted.entrySet()) {
            Long at = streamed.get(a.getKey());
            if (at == null) {
                live.error();
            } else {
                live.record(Math.max(0, at - a.getValue()) / 1_000);
            }
        }
        Figures f = new Figures(
                loadRate,
                samples,
                read.percentileMillis(50),
                read.percentileMillis(99),
                live.percentileMillis(50),
                live.percentileMillis(99),
                read.errors(),
                live.errors());
        System.out.printf(
                Locale.ROOT,
                "[visible] under %d alerts/s: readable p50 %.1f ms, p99 %.1f ms; on the live stream p50 %.1f ms, p99 %.1f ms"
                        + " (%d samples, %d not readable, %d not streamed)%n",
                loadRate,
                f.readP50(),
                f.readP99(),
                f.streamP50(),
                f.streamP99(),
                f.samples(),
                f.readErrors(),
                f.streamMissing());
        return f;
    }
}
