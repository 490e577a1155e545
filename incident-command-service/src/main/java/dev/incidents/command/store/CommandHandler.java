package dev.incidents.command.store;

import dev.incidents.command.outbox.OutboxRelay;
import dev.incidents.domain.Decision;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs commands: each request's work goes through the {@link GroupCommit}, which folds, lets the decider judge,
 * and appends, for many requests per transaction. A write answers only after its commit, so 201/202 means durable.
 */
@ApplicationScoped
public class CommandHandler {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Inject
    MeterRegistry registry;

    @Inject
    Tracer tracer;

    /** How often a request is decided again after its batch lost a race to another writer (without If-Match). */
    @ConfigProperty(name = "incidents.command.conflict-retries", defaultValue = "5")
    int conflictRetries;

    /** Writes waiting for the database on this replica; beyond it a write answers 503 with Retry-After. */
    @ConfigProperty(name = "incidents.command.group-commit.queue-capacity", defaultValue = "10000")
    int queueCapacity;

    /** Most requests in one transaction. */
    @ConfigProperty(name = "incidents.command.group-commit.max-batch", defaultValue = "500")
    int maxBatch;

    /** Incidents whose folded state the writer remembers between batches. */
    @ConfigProperty(name = "incidents.command.group-commit.remembered-incidents", defaultValue = "10000")
    int rememberedIncidents;

    /** Longest wait for a write's commit before answering 503. */
    @ConfigProperty(name = "incidents.command.group-commit.answer-timeout", defaultValue = "PT30S")
    Duration answerTimeout;

    private GroupCommit groupCommit;

    void start(@Observes StartupEvent ignored) {
        DistributionSummary batchSize = DistributionSummary.builder("incidents_write_batch_requests")
                .description("requests per group commit")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Timer commitTime = Timer.builder("incidents_write_commit")
                .description("time of one group commit, reads to commit")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Counter events = Counter.builder("incidents_write_events_total")
                .description("events appended")
                .register(registry);
        Counter conflicts = Counter.builder("incidents_write_conflicts_total")
                .description("requests whose batch lost a race to another writer and ran again")
                .register(registry);
        groupCommit = new GroupCommit(
                dataSource,
                new GroupCommit.Settings(queueCapacity, maxBatch, rememberedIncidents, conflictRetries, answerTimeout),
                new GroupCommit.Observer() {
                    @Override
                    public void committed(int requests, int appended, long nanos) {
                        batchSize.record(requests);
                        events.increment(appended);
                        commitTime.record(nanos, TimeUnit.NANOSECONDS);
                    }

                    @Override
                    public void conflicted(int requests) {
                        conflicts.increment(requests);
                    }
                },
                relay::wakeUp,
                tracer);
        Gauge.builder("incidents_write_queue", groupCommit, GroupCommit::queued)
                .description("writes waiting for a group commit")
                .register(registry);
        groupCommit.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        groupCommit.stop();
    }

    /** One command against one incident. */
    public WriteResult handle(CommandContext ctx, String incidentId, IncidentCommand command, int successStatus) {
        return transact(ctx, GroupCommit.Work.reading(WriteBatch.Reads.incident(incidentId), batch -> {
            WriteBatch.Appended a = batch.append(ctx, incidentId, command);
            return new WriteResult(a.incidentId(), a.sequence(), successStatus);
        }));
    }

    /**
     * Adds an action item under the id given: the answer names it, and is what a retry with the same
     * Idempotency-Key gets, id included.
     */
    public WriteResult addActionItem(CommandContext ctx, String incidentId, IncidentCommand.AddActionItem command) {
        return transact(ctx, GroupCommit.Work.reading(WriteBatch.Reads.incident(incidentId), batch -> {
            WriteBatch.Appended a = batch.append(ctx, incidentId, command);
            return new WriteResult(a.incidentId(), a.sequence(), 202, command.actionItemId());
        }));
    }

    /** A command that opens a new incident (201). */
    public WriteResult open(CommandContext ctx, IncidentCommand command) {
        return transact(ctx, batch -> {
            WriteBatch.Appended a = batch.append(ctx, batch.newIncident(), command);
            return new WriteResult(a.incidentId(), a.sequence(), 201);
        });
    }

    /**
     * Runs {@code work} in a group commit with the Idempotency-Key check; after a lost race it runs again, unless
     * the caller pinned the state it expects with If-Match. The work runs on the writer thread: whatever it needs
     * from the request must be captured before.
     */
    public WriteResult transact(CommandContext ctx, GroupCommit.Work work) {
        GroupCommit writer = groupCommit;
        if (writer == null) {
            throw new ProblemException(Problem.of(503, "Starting", "the writer is not started yet; retry shortly"), 1);
        }
        return writer.submit(ctx, work);
    }

    public static Problem toProblem(Decision.Rejected r) {
        return switch (r.kind()) {
            case CONFLICT -> Problem.conflict(r.reason());
            case NOT_FOUND ->
                r.field() != null ? Problem.notFound(r.field(), r.reason()) : Problem.notFound(r.reason());
            case INVALID -> Problem.invalid(r.field() != null ? r.field() : "body", r.reason());
        };
    }
}
