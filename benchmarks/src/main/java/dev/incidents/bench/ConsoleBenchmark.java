package dev.incidents.bench;

import dev.incidents.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console's board with a full read model: {@code incidents} incidents declared through the command API and
 * projected, then the board (the open incidents, newest first, and the count per severity) opened {@code samples}
 * times. Two figures: the server's answer (the whole HTML, as a person's browser receives it) and the first paint in
 * a real Chromium ({@code first-contentful-paint} from the browser's own Paint Timing, navigation included). The
 * browser figure needs Debian's {@code chromium} and {@code chromium-driver}; without them it is reported as not
 * measured, never guessed.
 */
public final class ConsoleBenchmark {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** HTTP/1.1, as the other benchmarks: the JDK client's default h2c upgrade attempt costs every new connection. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param paintP50Millis first contentful paint, or -1 when no browser was there to measure it
     */
    public record Figures(
            int incidents,
            double declaredPerSecond,
            int samples,
            double htmlP50Millis,
            double htmlP99Millis,
            double paintP50Millis,
            double paintP99Millis,
            String browser) {}

    private ConsoleBenchmark() {}

    public static Figures measure(LocalSystem system, int incidents, int samples) throws Exception {
        if (system.consoleUrl() == null) {
            throw new IllegalStateException("the system was started without the console");
        }
        String responder = system.token("responder");
        double declaredPerSecond = declare(system, responder, incidents);
        if (system.awaitQuiet(Duration.ofMinutes(10)) != 0) {
            throw new IllegalStateException("the read model did not catch up:\n" + system.backlogReport());
        }

        String board = system.consoleUrl() + "/";
        LatencyRecorder html = new LatencyRecorder();
        for (int i = -Math.min(5, samples); i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(board))
                            .header("Cookie", "console_session=" + responder)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            if (r.statusCode() != 200 || !r.body().contains("id=\"live\"")) {
                throw new IllegalStateException("the board answered " + r.statusCode() + ": "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
            if (i >= 0) {
                html.record((t1 - t0) / 1_000);
            }
        }

        LatencyRecorder paint = new LatencyRecorder();
        String browser = "not measured: " + CHROMIUM + " and " + CHROMEDRIVER + " are not installed";
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                browser = "Chromium " + driver.getCapabilities().getBrowserVersion();
                driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
                // A cookie can only be set on the console's own origin: a page of it first (no sign-in needed).
                driver.get(system.consoleUrl() + "/sign-in");
                driver.manage().addCookie(new Cookie("console_session", responder));
                for (int i = -Math.min(3, samples); i < samples; i++) {
                    driver.get(board);
                    // The paint may come after the load event driver.get waits for: the browser's own observer says.
                    Object fcp = ((JavascriptExecutor) driver).executeAsyncScript("""
                            const done = arguments[arguments.length - 1];
                            const seen = performance.getEntriesByName('first-contentful-paint')[0];
                            if (seen) { done(seen.startTime); return; }
                            new PerformanceObserver((list, observer) => {
                              const p = list.getEntriesByName('first-contentful-paint')[0];
                              if (p) { observer.disconnect(); done(p.startTime); }
                            }).observe({type: 'paint', buffered: true});
                            setTimeout(() => done(null), 10000);
                            """);
                    if (fcp == null) {
                        throw new IllegalStateException(
                                "the browser reported no first contentful paint on " + driver.getCurrentUrl());
                    }
                    if (i >= 0) {
                        paint.record((long) (((Number) fcp).doubleValue() * 1_000)); // ms to µs
                    }
                }
            } finally {
                driver.quit();
            }
        }
        boolean painted = paint.count() > 0;
        return new Figures(
                incidents,
                declaredPerSecond,
                samples,
                html.percentileMillis(50),
                html.percentileMillis(99),
                painted ? paint.percentileMillis(50) : -1,
                painted ? paint.percentileMillis(99) : -1,
                browser);
    }

    /** Declares {@code n} incidents, 16 requests in flight; returns the rate. */
    private static double declare(LocalSystem system, String token, int n) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        String[] severities = {"SEV1", "SEV2", "SEV3", "SEV4"};
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            String body = "{\"title\": \"board benchmark " + i + "\", \"severity\": \"" + severities[i % 4]
                    + "\", \"services\": [\"svc-" + (i % 50) + "\"]}";
            all.add(HTTP.sendAsync(
                            HttpRequest.newBuilder(URI.create(system.commandUrl() + "/api/v1/incidents"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        inFlight.release();
                        if (e != null || r.statusCode() != 201) {
                            failed.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + n + " declarations failed");
        }
        return n / seconds;
    }

    /** {@code BENCHMARKS=ConsoleBenchmark ./run-benchmarks}: this benchmark alone, on a system of its own. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                        root, Files.createTempDirectory("incidents-bench"), null, null, null, null, 0, 0, 0, 0, 0, 0, 6)
                .withConsole(0);
        try (LocalSystem system = LocalSystem.start(options, msg -> System.out.println("[local] " + msg), r -> {})) {
            String md = markdown(measure(
                    system,
                    Integer.getInteger("bench.board-incidents", 10_000),
                    Integer.getInteger("bench.board-samples", 20)));
            Path out = root.resolve("benchmarks/target");
            Files.createDirectories(out);
            Files.writeString(out.resolve("console-board.md"), md);
            System.out.println(md);
        }
    }

    public static String markdown(Figures f) {
        return String.format(
                java.util.Locale.ROOT,
                "%n## Console board (%d incidents in the read model, %d samples)%n%n"
                        + "| figure | p50 ms | p99 ms |%n|---|---|---|%n"
                        + "| board HTML, whole answer | %.1f | %.1f |%n"
                        + "| first contentful paint in Chromium (%s) | %s | %s |%n%n"
                        + "Declared through the command API at %.0f incidents/s (16 in flight).%n",
                f.incidents(),
                f.samples(),
                f.htmlP50Millis(),
                f.htmlP99Millis(),
                f.browser(),
                f.paintP50Millis() < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", f.paintP50Millis()),
                f.paintP99Millis() < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", f.paintP99Millis()),
                f.declaredPerSecond());
    }
}
