package dev.incidents.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole benchmark suite at tiny sizes, so it cannot rot: every scenario and floor runs end to end and reports
 * its figures. It asserts no time: these machines are shared, and figures belong in the benchmark's own output.
 */
class BenchmarkSmokeTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyScenario_runsAndReportsItsFigures() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        LocalSystem.Options options = new LocalSystem.Options(
                        root, Files.createTempDirectory("bench-smoke"), null, null, null, null, 0, 0, 0, 0, 0, 0, 3)
                .withConsole(0);
        try (LocalSystem system = LocalSystem.start(options, msg -> {}, r -> {})) {
            Map<String, Object> r = BenchmarkSuite.run(system, BenchmarkSuite.Sizes.smoke());

            Map<String, Object> floors = (Map<String, Object>) r.get("floors");
            assertTrue((double) floors.get("kafkaProducerRecordsPerSecond") > 0, floors.toString());
            assertTrue((double) floors.get("batchedInsertEventsPerSecond") > 0, floors.toString());
            assertTrue((double) floors.get("commitPerRequestEventsPerSecond") > 0, floors.toString());

            List<Map<String, Object>> ingest = (List<Map<String, Object>>) r.get("ingest");
            assertEquals(2, ingest.size());
            List<IngestBenchmark.Step> steps =
                    (List<IngestBenchmark.Step>) ingest.get(0).get("steps");
            assertTrue(steps.stream().allMatch(s -> s.requests() > 0 && s.errors() == 0), steps.toString());

            VisibleBenchmark.Figures visible = (VisibleBenchmark.Figures) r.get("postToVisible");
            assertEquals(3, visible.samples());
            assertEquals(0, visible.readErrors(), "every sample readable");
            assertEquals(0, visible.streamMissing(), "every sample on the live stream");

            Map<String, Object> rebuild = (Map<String, Object>) r.get("rebuild");
            assertTrue((long) rebuild.get("rebuiltEvents") >= 50, rebuild.toString());
            assertTrue((long) rebuild.get("readModelRows") >= 50, rebuild.toString());

            List<FanOutBenchmark.Phase> fanOut = (List<FanOutBenchmark.Phase>) r.get("fanOut");
            assertTrue(fanOut.stream().allMatch(p -> p.deliveries() == 3 * 2 && p.missing() == 0), fanOut.toString());

            List<FootprintBenchmark.Service> footprint = (List<FootprintBenchmark.Service>) r.get("footprint");
            assertEquals(3, footprint.size());
            assertTrue(
                    footprint.stream().allMatch(s -> s.readySeconds() > 0 && s.idleRssMb() > 0), footprint.toString());

            ConsoleBenchmark.Figures board = (ConsoleBenchmark.Figures) r.get("consoleBoard");
            assertEquals(100, board.incidents());
            assertTrue(board.htmlP50Millis() > 0, board.toString());
            // CI installs chromium (.ci/run): there the first paint is measured, not left out.
            if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
                assertTrue(board.paintP50Millis() > 0, board.toString());
            }

            String md = BenchmarkSuite.markdown(r);
            for (String section : List.of(
                    "## Durable ingest",
                    "## POST to visible",
                    "## Projection",
                    "## Fan-out",
                    "## Console board",
                    "## Footprint")) {
                assertTrue(md.contains(section), md);
            }
        }
    }
}
