package dev.incidents.testsupport;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Traces as a test sees them: a {@code traceparent} of its own to send, and the spans a service finished, read from the
 * in-memory exporter the test profile installs.
 */
public final class TraceProbe {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceProbe() {}

    /**
     * The test profile that turns tracing on (it is off in every other test, so spans never pile up there); the spans
     * go to the module's in-memory exporter.
     */
    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false");
        }
    }

    /** A sampled W3C traceparent with fresh random ids, as a caller already inside a trace sends it. */
    public static String newTraceparent() {
        return "00-" + hex(16) + "-" + hex(8) + "-01";
    }

    public static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    public static String spanId(String traceparent) {
        return traceparent.split("-")[2];
    }

    /** Waits until {@code count} finished spans match, or 20 s pass; returns the matches found. */
    public static List<SpanData> await(InMemorySpanExporter exporter, Predicate<SpanData> match, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<SpanData> found =
                    exporter.getFinishedSpanItems().stream().filter(match).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(50);
        }
    }

    /** The one finished span that matches, waiting up to 20 s; fails when there is none or more. */
    public static SpanData awaitOne(InMemorySpanExporter exporter, Predicate<SpanData> match, String what)
            throws InterruptedException {
        List<SpanData> found = await(exporter, match, 1);
        if (found.size() != 1) {
            throw new AssertionError("expected one span " + what + ", found " + found.size() + ": " + found);
        }
        return found.get(0);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
