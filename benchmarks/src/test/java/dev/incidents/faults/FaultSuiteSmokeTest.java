package dev.incidents.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.local.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault suite at small sizes (outages of a few seconds, a few fuzzed bodies per route), so that it cannot rot and
 * so that every figure that must be 0 is 0 on every build: nothing acknowledged is lost or doubled, read models are
 * the fold, every webhook finished, no route opens without credentials, tenant B learns nothing of tenant A, no
 * fuzzed body gets a 5xx or stores anything when refused.
 */
class FaultSuiteSmokeTest {

    @Test
    void everyFigureThatMustBeZero_isZero() throws Exception {
        Path root = Path.of(System.getProperty("incidents.project-root", ".."))
                .toAbsolutePath()
                .normalize();
        // Eight JVMs on a machine shared with other builds: a slow start is not the fault under test.
        if (System.getProperty("incidents.ready-seconds") == null) {
            System.setProperty("incidents.ready-seconds", "300");
        }
        try (LocalSystem system = LocalSystem.start(
                LocalSystem.Options.scaledOut(root, Files.createTempDirectory("fault-smoke"), 6, 3, 2, 2),
                msg -> {},
                r -> {})) {
            FaultSuite.Results r = FaultSuite.run(system, FaultSuite.Sizes.smoke());
            String md = FaultSuite.markdown(r);
            System.out.println(md);
            Path out = root.resolve("benchmarks/target");
            Files.createDirectories(out);
            Files.writeString(out.resolve("fault-suite-smoke.md"), md);

            assertTrue(r.faults().stream().allMatch(FaultSuite.Fault::injected), md);
            assertEquals(List.of(), r.violated(), md);
            assertTrue(r.figures().stream().anyMatch(f -> f.name().equals("alerts acknowledged") && f.value() > 0), md);
            assertTrue(
                    r.figures().stream().anyMatch(f -> f.name().startsWith("routes x variants") && f.value() > 100),
                    md);
        }
    }
}
