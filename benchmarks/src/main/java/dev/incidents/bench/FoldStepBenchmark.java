package dev.incidents.bench;

import dev.incidents.domain.Decision;
import dev.incidents.domain.DetectionSource;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.domain.IncidentDecider;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.domain.Severity;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What one more alert costs the writer in memory, by the incident's length (issue #12: "a write to an incident with
 * 10,000 events costs what a write to a new one costs"): decide a new alert on the remembered state and fold the
 * event onto it, as the command service does for every accepted alert, {@code steps} times in a row onto an incident
 * that starts with the given number of events. No servers; the JIT warms up on each length first. Prints
 * microseconds per step.
 */
public final class FoldStepBenchmark {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 1, 8, 0, 0, 0, ZoneOffset.UTC);

    record Step(int incidentEvents, int steps, double microsPerStep) {}

    private FoldStepBenchmark() {}

    /** Arguments: the incident lengths to measure (default 10, 1,000, 10,000 and 100,000 events). */
    public static void main(String[] args) {
        int[] lengths = args.length == 0
                ? new int[] {10, 1_000, 10_000, 100_000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println(table(measure(lengths, 20_000)));
    }

    static List<Step> measure(int[] lengths, int steps) {
        List<Step> result = new ArrayList<>();
        for (int length : lengths) {
            Incident base = incidentOf(length);
            run(base, steps); // warm-up
            long t0 = System.nanoTime();
            run(base, steps);
            result.add(new Step(length, steps, (System.nanoTime() - t0) / 1e3 / steps));
        }
        return result;
    }

    /** {@code steps} new alerts, each decided and folded onto the state the previous one left. */
    private static Incident run(Incident base, int steps) {
        Incident state = base;
        for (int i = 0; i < steps; i++) {
            OffsetDateTime at = T0.plusSeconds(1_000_000 + i);
            IncidentCommand.FireAlert fire = new IncidentCommand.FireAlert(
                    "alertmanager",
                    "step-" + i,
                    "HighErrorRate",
                    Severity.SEV2,
                    "api",
                    null,
                    Map.of("alertname", "HighErrorRate"),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    at,
                    true);
            Decision d = IncidentDecider.decide(state, fire, at);
            if (!(d instanceof Decision.Accepted accepted)) {
                throw new IllegalStateException("refused: " + d);
            }
            for (IncidentEvent e : accepted.events()) {
                state = (Incident) IncidentFold.evolve(state, envelope(state, e, at));
            }
        }
        return state;
    }

    /** A declared incident holding {@code events} events: the declaration and one alert for each of the rest. */
    private static Incident incidentOf(int events) {
        List<EventEnvelope> stream = new ArrayList<>(events);
        stream.add(event(
                1,
                new IncidentEvent.IncidentDeclared(
                        "Storm", Severity.SEV2, List.of("api"), T0, T0, DetectionSource.MONITORING, null, true),
                T0));
        for (int i = 1; i < events; i++) {
            stream.add(event(i + 1, alert("storm-" + i), T0.plusSeconds(i)));
        }
        return (Incident) IncidentFold.fold("fold-bench", stream);
    }

    private static IncidentEvent.AlertFired alert(String key) {
        return new IncidentEvent.AlertFired(
                "alertmanager",
                key,
                "HighErrorRate",
                Severity.SEV2,
                "api",
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                List.of());
    }

    private static EventEnvelope envelope(IncidentState state, IncidentEvent e, OffsetDateTime at) {
        return event(state.sequence() + 1, e, at);
    }

    private static EventEnvelope event(long sequence, IncidentEvent e, OffsetDateTime at) {
        return EventEnvelope.of(UUID.randomUUID(), "fold-bench", sequence, at, at.toInstant(), "bench", "bench", e);
    }

    static String table(List<Step> steps) {
        StringBuilder s = new StringBuilder("| events in the incident | decide + fold one new alert |\n|---|---|\n");
        for (Step step : steps) {
            s.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.2f µs (mean of %,d steps) |%n",
                    step.incidentEvents(),
                    step.microsPerStep(),
                    step.steps()));
        }
        return s.toString();
    }
}
