package dev.incidents.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at tiny sizes, so it cannot rot: it runs end to end and produces figures. It asserts no time:
 * these machines are shared, and figures belong in the benchmark's own output.
 */
class BenchmarkSmokeTest {

    @Test
    void benchmarks_runAndReportTheirFigures() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", "..")).toAbsolutePath().normalize();
        LocalSystem.Options options = new LocalSystem.Options(root, Files.createTempDirectory("bench-smoke"), null, null, null, null,
                0, 0, 0, 0, 0, 0, 3);
        try (LocalSystem system = LocalSystem.start(options, msg -> {}, r -> {})) {
            List<IngestBenchmark.Step> steps = IngestBenchmark.measure(system, new int[] {5, 10}, 1, 0, 2);
            assertEquals(2, steps.size());
            assertTrue(steps.stream().allMatch(s -> s.requests() > 0 && s.errors() == 0), steps.toString());
            String table = IngestBenchmark.table(steps, 2);
            assertTrue(table.contains("| 10 |"), table);
            assertFalse(Double.isNaN(steps.get(1).p99Millis()));

            QueryBenchmark.Figures q = QueryBenchmark.measure(system, 3, 50);
            assertEquals(3, q.samples());
            assertEquals(50, q.events());
            assertTrue(q.catchUpEventsPerSecond() > 0 && q.rebuildEventsPerSecond() > 0, q.toString());

            List<FanOutBenchmark.Phase> fanOut = FanOutBenchmark.measure(system, 3, 3, 5);
            assertEquals(2, fanOut.size());
            assertTrue(fanOut.stream().allMatch(p -> p.deliveries() == 3 * 2 && p.missing() == 0), fanOut.toString());
            assertTrue(FanOutBenchmark.table(fanOut).contains("| with one dead subscriber | 3 | 2 | 6 | 0 |"), FanOutBenchmark.table(fanOut));
        }
    }
}
