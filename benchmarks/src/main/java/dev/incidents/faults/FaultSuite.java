package dev.incidents.faults;

import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.local.LocalSystem;
import dev.incidents.local.SystemAudit;
import dev.incidents.testsupport.RouteSweep;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue #11, figures rather than promises, on the scaled-out local system (3 Kafka nodes, 2 query services, 2
 * notifiers): Alertmanager-like load while faults are injected one after another (SIGKILL of the command service, a
 * query replica, a notifier replica, a broker; PostgreSQL stopped; every broker stopped), then what was lost,
 * doubled or left undone; the unauthenticated route sweep; tenant B against every read and write of tenant A; a
 * seeded fuzz of every ingest and command body. Prints one table and writes {@code benchmarks/target/fault-suite.md}.
 */
public final class FaultSuite {

    /** How long and how hard; {@link #smoke()} runs inside {@code ./mvnw verify}. */
    public record Sizes(
            int senders,
            long pauseMillis,
            int alertsPerRequest,
            int settleSeconds,
            int outageSeconds,
            int quietSeconds,
            int fuzzPerRoute,
            long seed) {

        public static Sizes smoke() {
            return new Sizes(2, 50, 2, 3, 5, 150, 3, 11);
        }

        static Sizes full() {
            return new Sizes(
                    Integer.getInteger("faults.senders", 4),
                    Long.getLong("faults.pause-ms", 20),
                    Integer.getInteger("faults.alerts", 2),
                    Integer.getInteger("faults.settle-seconds", 15),
                    Integer.getInteger("faults.outage-seconds", 30),
                    Integer.getInteger("faults.quiet-seconds", 600),
                    Integer.getInteger("faults.fuzz-per-route", 25),
                    Long.getLong("faults.seed", 1));
        }
    }

    /** One fault: what was done, whether it could be, and what the load got acknowledged meanwhile. */
    public record Fault(String name, boolean injected, String detail, long acknowledgedAlerts, double seconds) {}

    /** A row of the table; a figure that must be 0 says so. */
    public record Figure(String section, String name, long value, boolean mustBeZero) {}

    public record Results(
            Sizes sizes,
            List<Fault> faults,
            List<Figure> figures,
            Map<String, Long> refusals,
            List<String> examples,
            double seconds,
            String machine) {

        public List<Figure> violated() {
            return figures.stream()
                    .filter(f -> f.mustBeZero() && f.value() != 0)
                    .toList();
        }
    }

    static {
        // Five services and three brokers on a shared machine: a slow start is not the fault under test.
        if (System.getProperty("incidents.ready-seconds") == null) {
            System.setProperty("incidents.ready-seconds", "300");
        }
    }

    private FaultSuite() {}

    public static Results run(LocalSystem system, Sizes sizes) throws Exception {
        long t0 = System.nanoTime();
        List<Figure> figures = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis(), 36);

        // 1. Load and faults, one after another.
        AlertLoad load =
                new AlertLoad(system.commandUrl(), system.apiKey(), run, sizes.alertsPerRequest(), sizes.pauseMillis());
        load.start(sizes.senders());
        progress("1/4 load: " + sizes.senders() + " Alertmanager senders, " + sizes.alertsPerRequest()
                + " alerts per webhook; faults one after another");
        Thread.sleep(sizes.settleSeconds() * 1000L);
        faults.add(fault(system, load, sizes, "SIGKILL command service, started again", () -> {
            system.kill("incident-command-service");
            Thread.sleep(2000);
            long s = System.nanoTime();
            system.startService("incident-command-service");
            return String.format(Locale.ROOT, "down 2 s + %.1f s to ready", (System.nanoTime() - s) / 1e9);
        }));
        faults.add(fault(system, load, sizes, "SIGKILL query replica", () -> {
            system.kill(replica(system.queryUrls(), "incident-query-service"));
            return "incident-query-service-2 killed; the other replica takes its partitions";
        }));
        faults.add(fault(system, load, sizes, "SIGKILL notifier replica", () -> {
            system.kill(replica(system.notifierUrls(), "notifier-service"));
            return "notifier-service-2 killed; its leases expire, the other replica continues";
        }));
        faults.add(fault(system, load, sizes, "SIGKILL broker", () -> {
            if (system.kafkaNodes().size() < 3) {
                throw new NotInjected("one Kafka node only: killing it is the Kafka outage below");
            }
            system.kill("kafka-2");
            return "kafka-2 killed (replication 3, min ISR 2); started again with the cluster after the Kafka outage";
        }));
        faults.add(fault(system, load, sizes, "PostgreSQL stopped " + sizes.outageSeconds() + " s", () -> {
            system.stopPostgres();
            Thread.sleep(sizes.outageSeconds() * 1000L);
            long s = System.nanoTime();
            system.startPostgres();
            return String.format(
                    Locale.ROOT,
                    "pg_ctl stop -m fast; started again on the same data in %.1f s",
                    (System.nanoTime() - s) / 1e9);
        }));
        faults.add(fault(system, load, sizes, "Kafka unreachable " + sizes.outageSeconds() + " s", () -> {
            long s = System.nanoTime();
            system.stopKafka();
            double stopping = (System.nanoTime() - s) / 1e9;
            Thread.sleep(sizes.outageSeconds() * 1000L);
            s = System.nanoTime();
            system.startKafka();
            return String.format(
                    Locale.ROOT,
                    "every broker JVM stopped (%.1f s), started on the same data (%.1f s to ready)",
                    stopping,
                    (System.nanoTime() - s) / 1e9);
        }));
        load.stop(Duration.ofSeconds(60));
        load.refusalExamples.forEach(
                (status, body) -> examples.add("the load was refused with " + status + ": " + body));
        progress(String.format(
                Locale.ROOT,
                "load stopped: %d webhooks acknowledged (%d alerts), %d attempts, refusals %s",
                load.acknowledgedRequests.get(),
                load.acknowledged.size(),
                load.attempts.get(),
                load.refusals()));

        long tq = System.nanoTime();
        long backlog = system.awaitQuiet(Duration.ofSeconds(sizes.quietSeconds()));
        progress(String.format(
                Locale.ROOT, "quiet after %.1f s (backlog left %d)", (System.nanoTime() - tq) / 1e9, backlog));
        if (backlog != 0) {
            // What would not drain, while it is still there: the report is all a clean-clone CI run leaves behind.
            examples.add("the backlog that did not drain:\n" + system.backlogReport());
        }
        Map<String, List<EventEnvelope>> log = SystemAudit.eventStore(system);
        long events = log.values().stream().mapToLong(List::size).sum();
        SystemAudit.awaitDeliveriesSettled(system, events, Duration.ofSeconds(Math.min(120, sizes.quietSeconds())));
        SystemAudit.Figures audit = SystemAudit.check(system, log);
        examples.addAll(audit.problems());

        Map<String, Integer> fired = new HashMap<>();
        for (List<EventEnvelope> stream : log.values()) {
            for (EventEnvelope e : stream) {
                if (e.data() instanceof IncidentEvent.AlertFired f
                        && f.alertKey().startsWith("fault-" + run + "-")) {
                    fired.merge(f.alertKey(), 1, Integer::sum);
                }
            }
        }
        long missing =
                load.acknowledged.stream().filter(k -> !fired.containsKey(k)).count();
        long missingPositions = load.positions.stream()
                .filter(p -> log.getOrDefault(p.incidentId(), List.of()).stream()
                        .noneMatch(e -> e.sequence() == p.sequence()))
                .count();
        long duplicated = fired.values().stream().mapToLong(n -> n - 1).sum();
        long storedNotAcknowledged = fired.keySet().stream()
                .filter(k -> !load.acknowledged.contains(k))
                .count();
        int notReady = 0;
        for (String module : List.of("incident-command-service", "incident-query-service", "notifier-service")) {
            Http.Answer r = Http.send("GET", system.managementUrl(module) + "/q/health/ready", Map.of(), null);
            if (r.status() != 200) {
                notReady++;
                examples.add(module + " not ready after the faults: " + r.status() + " " + r.body());
            }
        }
        String s1 = "1. faults under load";
        figures.add(new Figure(s1, "webhooks acknowledged (202) under load", load.acknowledgedRequests.get(), false));
        figures.add(new Figure(s1, "alerts acknowledged", load.acknowledged.size(), false));
        figures.add(new Figure(
                s1,
                "refused or unanswered attempts, retried (503/429/5xx/connection)",
                load.refusals().values().stream().mapToLong(Long::longValue).sum(),
                false));
        figures.add(new Figure(s1, "webhooks given up by the sender (not acknowledged)", load.givenUp.get(), false));
        figures.add(new Figure(s1, "events in the event store / incidents", events, false));
        figures.add(new Figure(s1, "acknowledged alerts missing from the event store", missing, true));
        figures.add(new Figure(
                s1,
                "acknowledged positions (incident, sequence) missing from the event store",
                missingPositions,
                true));
        figures.add(new Figure(s1, "alerts stored twice", duplicated, true));
        figures.add(new Figure(s1, "alerts stored but never acknowledged (answer lost)", storedNotAcknowledged, false));
        figures.add(new Figure(
                s1, "backlog left after the quiet wait (outbox, consumer lag, first attempts)", backlog, true));
        figures.add(new Figure(s1, "incidents not projected once, in order", audit.streamsNotProjectedOnce(), true));
        figures.add(new Figure(
                s1, "read models different from the fold of the event store", audit.readModelsDiffering(), true));
        figures.add(new Figure(
                s1,
                "webhooks neither delivered nor dead-lettered",
                audit.deliveriesMissing() + audit.deliveriesUnfinished(),
                true));
        figures.add(new Figure(s1, "deliveries planned twice for one event", audit.deliveriesPlannedTwice(), true));
        figures.add(new Figure(s1, "webhooks dead-lettered", audit.deadLettered(), false));
        figures.add(new Figure(
                s1, "incidents whose webhooks did not arrive in order", audit.incidentsNotReceivedInOrder(), true));
        figures.add(new Figure(s1, "webhooks with an invalid signature", audit.unsigned(), true));
        figures.add(new Figure(s1, "repeated webhook calls (same webhook-id; allowed)", audit.repeatedCalls(), false));
        figures.add(new Figure(s1, "services not ready after the faults", notReady, true));
        progress(String.format(
                Locale.ROOT,
                "audit: %d events of %d incidents; %d missing, %d doubled, %d read models differing, %d deliveries unfinished",
                events,
                log.size(),
                missing + missingPositions,
                duplicated,
                audit.readModelsDiffering(),
                audit.deliveriesMissing() + audit.deliveriesUnfinished()));

        String anIncident = log.keySet().stream().findFirst().orElse("00000000-0000-0000-0000-000000000000");
        section(
                figures,
                examples,
                "2. unauthenticated sweep",
                () -> unauthenticated(system, anIncident, figures, examples));
        section(figures, examples, "3. cross-tenant sweep", () -> crossTenant(system, load, figures, examples));
        section(
                figures,
                examples,
                "4. fuzz (seeded mutations of the OpenAPI example bodies)",
                () -> fuzz(system, sizes, figures, examples));
        return new Results(
                sizes, faults, figures, load.refusals(), examples, (System.nanoTime() - t0) / 1e9, machine());
    }

    interface Section {
        void run() throws Exception;
    }

    /** A section that fails to run says so in the table (a figure that must be 0) instead of taking the report down. */
    private static void section(List<Figure> figures, List<String> examples, String name, Section section) {
        try {
            section.run();
        } catch (Exception | AssertionError e) {
            figures.add(new Figure(name, "section could not run to its end", 1, true));
            examples.add(name + " could not run: " + e);
            progress(name + " could not run: " + e);
        }
    }

    private static void unauthenticated(
            LocalSystem system, String anIncident, List<Figure> figures, List<String> examples) {
        progress("2/4 unauthenticated sweep over every OpenAPI route x path variants");
        long tried = 0;
        long opened = 0;
        long unanswered = 0;
        for (String module : List.of("incident-command-service", "incident-query-service", "notifier-service")) {
            String base = module.startsWith("incident-command")
                    ? system.commandUrl()
                    : module.startsWith("incident-query") ? system.queryUrl() : system.notifierUrl();
            RouteSweep sweep = new RouteSweep(URI.create(base), URI.create(system.managementUrl(module)));
            for (RouteSweep.Route route : sweep.protectedRoutes()) {
                try {
                    for (RouteSweep.Attempt a : sweep.sweep(
                            List.of(route), p -> p.equals("id") ? anIncident : "1", r -> Map.of("none", Map.of()))) {
                        tried++;
                        if (a.succeeded()) {
                            opened++;
                            examples.add("unauthenticated 2xx: " + a);
                        }
                    }
                } catch (UncheckedIOException e) {
                    unanswered++;
                    examples.add("unauthenticated sweep: no answer for " + e.getMessage());
                }
            }
        }
        String s2 = "2. unauthenticated sweep";
        figures.add(new Figure(s2, "routes x variants tried without credentials", tried, false));
        figures.add(new Figure(s2, "2xx answers", opened, true));
        figures.add(new Figure(s2, "routes whose sweep got no answer", unanswered, false));
        progress("unauthenticated: " + tried + " requests, " + opened + " 2xx");
    }

    private static void crossTenant(LocalSystem system, AlertLoad load, List<Figure> figures, List<String> examples)
            throws Exception {
        progress("3/4 cross-tenant sweep: tenant B's token on every read and write of tenant A");
        String group = load.groupIncident.keySet().stream().sorted().findFirst().orElse(null);
        CrossTenantSweep.Figures xt = new CrossTenantSweep(system, FaultSuite::progress)
                .run(group == null ? null : group, group == null ? null : load.groupIncident.get(group));
        examples.addAll(xt.examples());
        String s3 = "3. cross-tenant sweep";
        figures.add(new Figure(s3, "probes with tenant B's credentials", xt.probes(), false));
        figures.add(new Figure(s3, "answers different from \"missing\", or lists showing A's", xt.differing(), true));
        figures.add(new Figure(s3, "A's id-route GETs tried with A's own token", xt.ownReads(), false));
        figures.add(new Figure(
                s3,
                "of those, not 200 (else \"same as missing\" proves nothing)",
                xt.ownReads() - xt.ownReadsOk(),
                true));
    }

    private static void fuzz(LocalSystem system, Sizes sizes, List<Figure> figures, List<String> examples)
            throws Exception {
        progress("4/4 fuzz: " + sizes.fuzzPerRoute() + " mutations of each example body (seed " + sizes.seed() + ")");
        BodyFuzz.Figures fz = new BodyFuzz(system, sizes.seed(), FaultSuite::progress).run(sizes.fuzzPerRoute());
        examples.addAll(fz.examples());
        String s4 = "4. fuzz (seeded mutations of the OpenAPI example bodies)";
        figures.add(new Figure(s4, "requests sent (seed " + fz.seed() + ")", fz.sent(), false));
        figures.add(new Figure(s4, "accepted (2xx)", fz.accepted(), false));
        figures.add(new Figure(s4, "refused (4xx)", fz.rejected(), false));
        figures.add(new Figure(s4, "5xx or no answer", fz.serverErrors(), true));
        figures.add(new Figure(s4, "refused requests that stored something", fz.rejectedButStored(), true));
    }

    /** The second instance of a replicated service: incident-query-service-2. */
    private static String replica(List<String> urls, String module) {
        if (urls.size() < 2) {
            throw new NotInjected("one instance only; killing it would be an outage, not a replica failure");
        }
        return module + "-2";
    }

    interface Injection {
        String inject() throws Exception;
    }

    static final class NotInjected extends RuntimeException {
        NotInjected(String reason) {
            super(reason);
        }
    }

    private static Fault fault(LocalSystem system, AlertLoad load, Sizes sizes, String name, Injection injection)
            throws InterruptedException {
        long ack0 = load.acknowledgedNow();
        long t0 = System.nanoTime();
        progress("fault: " + name);
        String detail;
        boolean injected = true;
        try {
            detail = injection.inject();
        } catch (NotInjected e) {
            injected = false;
            detail = "not injected: " + e.getMessage();
        } catch (Exception e) {
            injected = false;
            detail = "not injected: failed with " + e;
        }
        Thread.sleep(sizes.settleSeconds() * 1000L);
        Fault f = new Fault(name, injected, detail, load.acknowledgedNow() - ack0, (System.nanoTime() - t0) / 1e9);
        progress(String.format(
                Locale.ROOT,
                "  %s; %d alerts acknowledged meanwhile (%.1f s)",
                detail,
                f.acknowledgedAlerts(),
                f.seconds()));
        return f;
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vendor") + " "
                + System.getProperty("java.version") + ", " + Instant.now();
    }

    static void progress(String line) {
        System.out.println("[faults] " + line);
    }

    public static String markdown(Results r) {
        StringBuilder md = new StringBuilder("# Fault suite\n\n");
        md.append(r.machine()).append(String.format(Locale.ROOT, "; %.0f s; sizes %s%n%n", r.seconds(), r.sizes()));
        md.append(
                "## Faults injected under load\n\n| fault | injected | how | alerts acknowledged meanwhile | s |\n|---|---|---|---|---|\n");
        for (Fault f : r.faults()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %.1f |%n",
                    f.name(),
                    f.injected() ? "yes" : "NO",
                    f.detail(),
                    f.acknowledgedAlerts(),
                    f.seconds()));
        }
        md.append("\nRefused or unanswered attempts (retried like Alertmanager): ")
                .append(r.refusals())
                .append("\n");
        String section = null;
        for (Figure f : r.figures()) {
            if (!f.section().equals(section)) {
                section = f.section();
                md.append("\n## ").append(section).append("\n\n| figure | value | must be |\n|---|---|---|\n");
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s |%n",
                    f.name(),
                    f.value(),
                    f.mustBeZero() ? (f.value() == 0 ? "0 (ok)" : "0 (**VIOLATED**)") : ""));
        }
        if (!r.examples().isEmpty()) {
            md.append("\n## Examples (refusals the load saw; anything that went wrong)\n\n");
            r.examples().stream()
                    .limit(30)
                    .forEach(e -> md.append("- ")
                            .append(e.strip().replace("\n", "\n  "))
                            .append("\n"));
        }
        md.append("\n")
                .append(
                        r.violated().isEmpty()
                                ? "Every figure that must be 0 is 0."
                                : r.violated().size() + " figure(s) that must be 0 are not.")
                .append("\n");
        return md.toString();
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Sizes sizes = smoke ? Sizes.smoke() : Sizes.full();
        Path root = Path.of(System.getProperty("incidents.project-root", "."))
                .toAbsolutePath()
                .normalize();
        Path data = Files.createTempDirectory("incidents-faults");
        Results results;
        try (LocalSystem system = LocalSystem.start(
                LocalSystem.Options.scaledOut(root, data, 6, 3, 2, 2),
                msg -> System.out.println("[local] " + msg),
                r -> {})) {
            results = run(system, sizes);
        }
        Path out = root.resolve("benchmarks/target");
        Files.createDirectories(out);
        String md = markdown(results);
        Files.writeString(out.resolve("fault-suite.md"), md);
        System.out.println();
        System.out.println(md);
        System.out.println("written to " + out.resolve("fault-suite.md") + "; data and logs in " + data);
        System.exit(results.violated().isEmpty() ? 0 : 1);
    }
}
