package dev.incidents.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.incidents.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every scenario of issue #7 in one run, on one system started on its embedded defaults, each beside its physical
 * floor measured on the same servers in the same run: durable ingest (1 and 50 alerts per request) against the raw
 * Kafka producer, raw batched INSERT and one-commit-per-request; POST to visible (read and live stream) at half
 * the sustained ingest rate; projection catch-up and rebuild against batched INSERT and COPY of the same read-model
 * rows; fan-out to 100 subscribers with and without a dead one; each service's start time and idle RSS. Floors and
 * ingest steps are medians of {@code trials} runs. Writes {@code benchmarks/target/results.md} and {@code .json}.
 */
public final class BenchmarkSuite {

    /** How big each scenario is; {@link #smoke()} runs everything in a minute, so it cannot rot. */
    public record Sizes(
            int trials,
            int producerRecords,
            int insertEvents,
            double commitSeconds,
            int commitClients,
            int[] rates1,
            int[] rates50,
            int stepSeconds,
            int warmupSeconds,
            int visibleSamples,
            int rebuildEvents,
            int subscribers,
            int fanOutEvents,
            double fanOutRate,
            int idleSeconds,
            int stormAlerts,
            int stormSeconds,
            int bigIncidentSamples,
            int overloadSeconds,
            int foldSteps,
            int keepUpSeconds,
            int boardIncidents,
            int boardSamples) {

        static Sizes full() {
            return new Sizes(
                    Integer.getInteger("bench.trials", 3),
                    200_000,
                    50_000,
                    5,
                    20,
                    ints("bench.rates", "25,50,100,200,300"),
                    ints("bench.rates-50", "1,2,5,10"),
                    Integer.getInteger("bench.seconds", 5),
                    Integer.getInteger("bench.warmup-seconds", 30),
                    Integer.getInteger("bench.visible-samples", 200),
                    Integer.getInteger("bench.events", 1_000_000),
                    Integer.getInteger("bench.subscribers", 100),
                    Integer.getInteger("bench.fanout-events", 100),
                    Double.parseDouble(System.getProperty("bench.fanout-rate", "5")),
                    10,
                    Integer.getInteger("bench.storm-alerts", 10_000),
                    Integer.getInteger("bench.storm-seconds", 60),
                    Integer.getInteger("bench.big-incident-samples", 200),
                    Integer.getInteger("bench.overload-seconds", 10),
                    Integer.getInteger("bench.fold-steps", 20_000),
                    Integer.getInteger("bench.keep-up-seconds", 60),
                    Integer.getInteger("bench.board-incidents", 10_000),
                    Integer.getInteger("bench.board-samples", 20));
        }

        public static Sizes smoke() {
            return new Sizes(
                    1,
                    2_000,
                    500,
                    0.5,
                    4,
                    new int[] {5, 10},
                    new int[] {1},
                    1,
                    0,
                    3,
                    50,
                    3,
                    3,
                    5,
                    1,
                    100,
                    2,
                    5,
                    2,
                    200,
                    2,
                    100,
                    3);
        }

        private static int[] ints(String property, String defaults) {
            return Arrays.stream(System.getProperty(property, defaults).split(","))
                    .mapToInt(s -> Integer.parseInt(s.trim()))
                    .toArray();
        }
    }

    /** The longest wait for the backlog of one scenario to drain before the next starts. */
    private static final java.time.Duration QUIET = java.time.Duration.ofMinutes(10);

    private BenchmarkSuite() {}

    /** Runs every scenario; returns the results as they go into the JSON file. */
    public static Map<String, Object> run(LocalSystem system, Sizes sizes) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", machine());
        results.put("sizes", sizes);
        int cores = Runtime.getRuntime().availableProcessors();

        progress("1/7 floors: raw Kafka producer, raw batched INSERT, one commit per request");
        int recordSize = Floors.eventSize();
        double producer = median(
                sizes.trials(),
                () -> Floors.kafkaProducer(system.bootstrapServers(), 6, sizes.producerRecords(), recordSize));
        String commandDb = system.jdbcUrl("incident_command");
        double batched = median(
                sizes.trials(),
                () -> Floors.batchedInsert(
                        commandDb, system.postgresUser(), system.postgresPassword(), sizes.insertEvents(), 500));
        double perRequest = median(
                sizes.trials(),
                () -> Floors.commitPerRequest(
                        commandDb,
                        system.postgresUser(),
                        system.postgresPassword(),
                        sizes.commitClients(),
                        sizes.commitSeconds()));
        Map<String, Object> floors = new LinkedHashMap<>();
        floors.put("eventBytes", recordSize);
        floors.put("kafkaProducerRecordsPerSecond", producer);
        floors.put("batchedInsertEventsPerSecond", batched);
        floors.put("commitPerRequestEventsPerSecond", perRequest);
        floors.put("commitPerRequestClients", sizes.commitClients());
        results.put("floors", floors);
        progress(String.format(
                Locale.ROOT,
                "floors: producer %.0f records/s (%d B), batched INSERT %.0f events/s, one commit per request %.0f/s"
                        + " (%d clients)",
                producer,
                recordSize,
                batched,
                perRequest,
                sizes.commitClients()));

        progress("2/7 durable ingest, 1 alert per request");
        Map<String, Object> ingest1 = ingest(system, sizes, sizes.rates1(), 1, floors);
        progress("2/7 durable ingest, 50 alerts per request");
        Map<String, Object> ingest50 = ingest(system, sizes, sizes.rates50(), 50, floors);
        results.put("ingest", List.of(ingest1, ingest50));

        int sustainedRequests = (int) ingest1.get("sustainedRequestsPerSecond");
        int overloadRate = 2 * Math.max(sustainedRequests, 10);
        quiet(system);
        progress("2/7 storm: " + sizes.stormAlerts() + " alerts into one group over " + sizes.stormSeconds()
                + " s; then writes to that incident beside new ones; then " + overloadRate + " req/s offered (2x)");
        WritePathBenchmark writePath = new WritePathBenchmark(system);
        WritePathBenchmark.Storm storm = writePath.storm(sizes.stormAlerts(), 50, sizes.stormSeconds());
        WritePathBenchmark.BigIncident big = writePath.bigIncidentBesideNew(storm, sizes.bigIncidentSamples());
        quiet(system);
        WritePathBenchmark.Backpressure overload = writePath.overload(overloadRate, sizes.overloadSeconds());
        List<FoldStepBenchmark.Step> fold = FoldStepBenchmark.measure(
                new int[] {10, sizes.stormAlerts(), 10 * sizes.stormAlerts()}, sizes.foldSteps());
        String writePathTable = WritePathBenchmark.table(storm, big, overload) + "\n" + FoldStepBenchmark.table(fold);
        progress("write path:\n" + writePathTable);
        Map<String, Object> wp = new LinkedHashMap<>();
        wp.put("storm", storm);
        wp.put("bigIncident", big);
        wp.put("overload", overload);
        wp.put("foldSteps", fold);
        wp.put("table", writePathTable);
        results.put("writePath", wp);

        double sustainedAlerts = (double) ingest1.get("sustainedAlertsPerSecond");
        double peakRequests = (double) ingest1.get("peakRequestsPerSecond");
        int half = (int) Math.max(1, (sustainedAlerts > 0 ? sustainedAlerts : peakRequests) / 2);
        quiet(system);
        progress("3/7 POST to visible under " + half + " alerts/s (half the "
                + (sustainedAlerts > 0 ? "sustained" : "peak") + " ingest rate)");
        results.put("postToVisible", VisibleBenchmark.measure(system, half, sizes.visibleSamples()));

        int keepUpRate = sustainedRequests > 0 ? sustainedRequests : (int) Math.max(1, peakRequests / 2);
        quiet(system);
        progress(
                "3/7 keep-up: single alerts at " + keepUpRate + " req/s (the "
                        + (sustainedRequests > 0 ? "sustained rate" : "half the peak") + ") for "
                        + sizes.keepUpSeconds()
                        + " s, each consumer's lag followed until it is back to 0 (waiting as long as the load ran, at least 10 s)");
        KeepUpBenchmark.Figures keepUp =
                KeepUpBenchmark.measure(system, keepUpRate, sizes.keepUpSeconds(), Math.max(10, sizes.keepUpSeconds()));
        progress("keep-up:\n" + KeepUpBenchmark.table(keepUp));
        results.put("keepUp", keepUp);

        quiet(system);
        progress("4/7 projection catch-up and rebuild over " + sizes.rebuildEvents()
                + " events, then the read-model floors");
        QueryBenchmark.Projection q = QueryBenchmark.catchUpAndRebuild(system, sizes.rebuildEvents());
        Floors.ReadModelFloor rm =
                Floors.readModels(system.jdbcUrl("incident_query"), system.postgresUser(), system.postgresPassword());
        Map<String, Object> rebuild = new LinkedHashMap<>();
        rebuild.put("catchUpEventsPerSecond", q.catchUpEventsPerSecond());
        rebuild.put("rebuiltEvents", q.rebuiltEvents());
        rebuild.put("rebuildEventsPerSecond", q.rebuildEventsPerSecond());
        rebuild.put("rebuildSeconds", q.rebuildSeconds());
        rebuild.put("notifierCatchUpEventsPerSecond", q.notifierCatchUpEventsPerSecond());
        rebuild.put("readModelRows", rm.rows());
        rebuild.put("floorBatchedInsertEventsPerSecond", q.rebuiltEvents() / rm.batchedInsertSeconds());
        rebuild.put("floorCopyEventsPerSecond", q.rebuiltEvents() / rm.copySeconds());
        results.put("rebuild", rebuild);

        quiet(system);
        progress("5/7 fan-out to " + sizes.subscribers() + " webhook subscribers, then with one of them dead");
        results.put(
                "fanOut",
                FanOutBenchmark.measure(system, sizes.subscribers(), sizes.fanOutEvents(), sizes.fanOutRate()));

        quiet(system);
        if (system.consoleUrl() != null) {
            progress("6/7 console board with " + sizes.boardIncidents() + " incidents in the read model");
            ConsoleBenchmark.Figures board =
                    ConsoleBenchmark.measure(system, sizes.boardIncidents(), sizes.boardSamples());
            progress(ConsoleBenchmark.markdown(board));
            results.put("consoleBoard", board);
        }
        quiet(system);
        progress("7/7 footprint: each service started alone, then idle " + sizes.idleSeconds() + " s");
        results.put("footprint", FootprintBenchmark.measure(system, sizes.idleSeconds()));
        results.put("cores", cores);
        return results;
    }

    private static Map<String, Object> ingest(
            LocalSystem system, Sizes sizes, int[] rates, int alerts, Map<String, Object> floors) throws Exception {
        List<IngestBenchmark.Step> medians = new ArrayList<>();
        IngestBenchmark bench = new IngestBenchmark(system.commandUrl(), system.apiKey(), alerts);
        if (sizes.warmupSeconds() > 0) {
            bench.run(rates[0], sizes.warmupSeconds());
        }
        for (int rate : rates) {
            List<IngestBenchmark.Step> trials = new ArrayList<>();
            for (int t = 0; t < sizes.trials(); t++) {
                trials.add(bench.run(rate, sizes.stepSeconds()));
            }
            IngestBenchmark.Step m = IngestBenchmark.Step.median(trials);
            medians.add(m);
            progress(String.format(
                    Locale.ROOT,
                    "ingest %d alert(s) x %d req/s: %.1f req/s done, p50 %.1f ms, p99 %.1f ms, %d errors (median of %d)",
                    alerts,
                    rate,
                    m.achievedRate(),
                    m.p50Millis(),
                    m.p99Millis(),
                    m.errors(),
                    trials.size()));
        }
        int sustained = medians.stream()
                .filter(IngestBenchmark.Step::sustained)
                .mapToInt(IngestBenchmark.Step::targetRate)
                .max()
                .orElse(0);
        double peak = medians.stream()
                .mapToDouble(IngestBenchmark.Step::achievedRate)
                .max()
                .orElse(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("alertsPerRequest", alerts);
        r.put("steps", medians);
        r.put("sustainedRequestsPerSecond", sustained);
        r.put("sustainedAlertsPerSecond", (double) sustained * alerts);
        r.put("peakRequestsPerSecond", peak);
        r.put("peakAlertsPerSecond", peak * alerts);
        r.put("table", IngestBenchmark.table(medians, alerts));
        return r;
    }

    /** A scenario measured on top of the previous one's backlog would measure the backlog: wait for it to drain. */
    private static void quiet(LocalSystem system) throws Exception {
        long t0 = System.nanoTime();
        long left = system.awaitQuiet(QUIET);
        progress(String.format(
                Locale.ROOT,
                "quiet after %.1f s%s",
                (System.nanoTime() - t0) / 1e9,
                left > 0 ? " (gave up with " + left + " left)" : ""));
    }

    interface Trial {
        double run() throws Exception;
    }

    static double median(int trials, Trial trial) throws Exception {
        double[] values = new double[trials];
        for (int i = 0; i < trials; i++) {
            values[i] = trial.run();
        }
        Arrays.sort(values);
        return trials % 2 == 1 ? values[trials / 2] : (values[trials / 2 - 1] + values[trials / 2]) / 2;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("memoryMb", totalMemoryMb());
        m.put("date", Instant.now().toString());
        return m;
    }

    private static long totalMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }

    private static void progress(String line) {
        System.out.println("[suite] " + line);
    }

    /** The Markdown report: every figure, and each ratio to its floor. */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> r) {
        Map<String, Object> machine = (Map<String, Object>) r.get("machine");
        Map<String, Object> floors = (Map<String, Object>) r.get("floors");
        double producer = (double) floors.get("kafkaProducerRecordsPerSecond");
        double batched = (double) floors.get("batchedInsertEventsPerSecond");
        double perRequest = (double) floors.get("commitPerRequestEventsPerSecond");
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n")
                .append(String.format(
                        Locale.ROOT,
                        "%s cores, %s MB, %s, %s; %s%n%n",
                        machine.get("cores"),
                        machine.get("memoryMb"),
                        machine.get("java"),
                        machine.get("os"),
                        machine.get("date")));
        md.append("## Durable ingest (Alertmanager webhooks, open loop; medians of trials)\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Floors on the same servers: raw Kafka producer %.0f records/s (acks=all, idempotent, %s B records);"
                        + " raw batched INSERT %.0f events/s; one commit per request %.0f events/s (%s clients).%n%n",
                producer,
                floors.get("eventBytes"),
                batched,
                perRequest,
                floors.get("commitPerRequestClients")));
        md.append(
                "| alerts per request | sustained req/s (p99 <= 100 ms) | sustained alerts/s | peak alerts/s | / Kafka producer | / one commit per request |"
                        + " / batched INSERT |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> in : (List<Map<String, Object>>) r.get("ingest")) {
            double sustained = (double) in.get("sustainedAlertsPerSecond");
            double peak = (double) in.get("peakAlertsPerSecond");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.0f | %.0f | %.3fx (peak %.3fx) | %.2fx (peak %.2fx) | %.3fx (peak %.3fx) |%n",
                    in.get("alertsPerRequest"),
                    in.get("sustainedRequestsPerSecond"),
                    sustained,
                    peak,
                    sustained / producer,
                    peak / producer,
                    sustained / perRequest,
                    peak / perRequest,
                    sustained / batched,
                    peak / batched));
        }
        for (Map<String, Object> in : (List<Map<String, Object>>) r.get("ingest")) {
            md.append("\n")
                    .append(in.get("alertsPerRequest"))
                    .append(" alert(s) per request:\n\n")
                    .append(in.get("table"));
        }
        md.append("\n## Storm, a long incident, and overload (write path)\n\n")
                .append(((Map<String, Object>) r.get("writePath")).get("table"));
        md.append("\n## Do the consumers keep up with the write path?\n\n")
                .append(KeepUpBenchmark.table((KeepUpBenchmark.Figures) r.get("keepUp")));
        VisibleBenchmark.Figures v = (VisibleBenchmark.Figures) r.get("postToVisible");
        md.append(String.format(
                Locale.ROOT,
                "%n## POST to visible (under %d alerts/s)%n%n| path | p50 ms | p99 ms |%n|---|---|---|%n"
                        + "| 201 -> readable (minSequence) | %.1f | %.1f |%n| 201 -> on the live stream (SSE) | %.1f | %.1f |%n%n"
                        + "%d samples; %d not readable (refused, or 504 after the bounded wait), %d never on the stream.%n",
                v.loadRate(),
                v.readP50(),
                v.readP99(),
                v.streamP50(),
                v.streamP99(),
                v.samples(),
                v.readErrors(),
                v.streamMissing()));
        Map<String, Object> rb = (Map<String, Object>) r.get("rebuild");
        double rebuildRate = (double) rb.get("rebuildEventsPerSecond");
        double floorInsert = (double) rb.get("floorBatchedInsertEventsPerSecond");
        double floorCopy = (double) rb.get("floorCopyEventsPerSecond");
        md.append(String.format(
                Locale.ROOT,
                "%n## Projection%n%n| figure | events/s | / batched INSERT floor | / COPY floor |%n|---|---|---|---|%n"
                        + "| catch-up from offset 0 (live projection) | %.0f | %.3fx | %.3fx |%n| rebuild of %s events (%.0f s) | %.0f | %.3fx | %.3fx |%n"
                        + "| notifier catch-up through the same backlog | %.0f | | |%n"
                        + "| floor: batched INSERT of the %s read-model rows | %.0f | | |%n| floor: COPY of the same rows | %.0f | | |%n",
                (double) rb.get("catchUpEventsPerSecond"),
                (double) rb.get("catchUpEventsPerSecond") / floorInsert,
                (double) rb.get("catchUpEventsPerSecond") / floorCopy,
                rb.get("rebuiltEvents"),
                (double) rb.get("rebuildSeconds"),
                rebuildRate,
                rebuildRate / floorInsert,
                rebuildRate / floorCopy,
                (double) rb.get("notifierCatchUpEventsPerSecond"),
                rb.get("readModelRows"),
                floorInsert,
                floorCopy));
        md.append("\n## Fan-out (appended to first attempt, live subscribers)\n\n")
                .append(FanOutBenchmark.table((List<FanOutBenchmark.Phase>) r.get("fanOut")));
        if (r.get("consoleBoard") instanceof ConsoleBenchmark.Figures board) {
            md.append(ConsoleBenchmark.markdown(board));
        }
        md.append(
                "\n## Footprint (JVM mode, each service started alone)\n\n| service | ready s | idle RSS MB |\n|---|---|---|\n");
        for (FootprintBenchmark.Service s : (List<FootprintBenchmark.Service>) r.get("footprint")) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f |%n", s.name(), s.readySeconds(), s.idleRssMb()));
        }
        return md.toString();
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Sizes sizes = smoke ? Sizes.smoke() : Sizes.full();
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                        root, Files.createTempDirectory("incidents-bench"), null, null, null, null, 0, 0, 0, 0, 0, 0, 6)
                .withConsole(0);
        long t0 = System.nanoTime();
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            Map<String, Object> results = run(system, sizes);
            results.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
            Path out = root.resolve("benchmarks/target");
            Files.createDirectories(out);
            String md = markdown(results);
            Files.writeString(out.resolve("results.md"), md);
            Files.writeString(
                    out.resolve("results.json"),
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(results));
            System.out.println();
            System.out.println(md);
            System.out.println("written to " + out.resolve("results.md") + " and results.json");
        }
    }
}
