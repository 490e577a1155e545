package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Do the consumers keep up with the write path (issue #13)? Single-alert ingest at a given rate for a while, each
 * consumer's lag read from its own metrics once a second throughout, then for up to {@code drainSeconds} more: how
 * far behind each fell, and how long after the load stopped each was back to zero.
 */
final class KeepUpBenchmark {

    private static final List<String> CONSUMERS = List.of("incident-query-service", "notifier-service");

    record Consumer(
            String service, long maxEventsBehind, double maxSecondsBehind, double drainedAfterSeconds, String series) {
        /** -1 when it was not back to zero in time. */
        boolean drained() {
            return drainedAfterSeconds >= 0;
        }
    }

    record Figures(int rate, int seconds, IngestBenchmark.Step ingest, List<Consumer> consumers) {}

    private KeepUpBenchmark() {}

    static Figures measure(LocalSystem system, int rate, int seconds, int drainSeconds) throws Exception {
        List<LagSeries> series =
                CONSUMERS.stream().map(s -> LagSeries.of(system, s)).toList();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            sampler.scheduleAtFixedRate(() -> series.forEach(LagSeries::sample), 0, 1, TimeUnit.SECONDS);
            IngestBenchmark.Step ingest =
                    new IngestBenchmark(system.commandUrl(), system.apiKey(), 1).run(rate, seconds);
            long stopped = System.nanoTime();
            double[] drainedAt = new double[series.size()];
            java.util.Arrays.fill(drainedAt, -1);
            long deadline = stopped + Duration.ofSeconds(drainSeconds).toNanos();
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (int i = 0; i < series.size(); i++) {
                    if (drainedAt[i] < 0 && series.get(i).drained()) {
                        drainedAt[i] = (System.nanoTime() - stopped) / 1e9;
                    }
                    all &= drainedAt[i] >= 0;
                }
                if (all) {
                    break;
                }
                Thread.sleep(200);
            }
            sampler.shutdownNow();
            List<Consumer> consumers = new java.util.ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                LagSeries s = series.get(i);
                consumers.add(new Consumer(
                        CONSUMERS.get(i),
                        s.samples().stream()
                                .mapToLong(LagSeries.Sample::events)
                                .max()
                                .orElse(-1),
                        s.samples().stream()
                                .mapToDouble(LagSeries.Sample::seconds)
                                .max()
                                .orElse(-1),
                        drainedAt[i],
                        s.describe()));
            }
            return new Figures(rate, seconds, ingest, consumers);
        } finally {
            sampler.shutdownNow();
        }
    }

    static String table(Figures f) {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "Ingest of single alerts at %d req/s for %d s (%.1f req/s done, p99 %.1f ms, %d errors):%n%n"
                        + "| consumer | most events behind | most seconds behind | back to 0 after the load stopped |%n"
                        + "|---|---|---|---|%n",
                f.rate(),
                f.seconds(),
                f.ingest().achievedRate(),
                f.ingest().p99Millis(),
                f.ingest().errors()));
        for (Consumer c : f.consumers()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %s |%n",
                    c.service(),
                    c.maxEventsBehind(),
                    c.maxSecondsBehind(),
                    c.drained()
                            ? String.format(Locale.ROOT, "%.1f s", c.drainedAfterSeconds())
                            : "not within the wait"));
        }
        b.append('\n');
        for (Consumer c : f.consumers()) {
            b.append("- ").append(c.series()).append('\n');
        }
        return b.toString();
    }
}
