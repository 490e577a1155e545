package dev.incidents.command.store;

import dev.incidents.command.outbox.OutboxRelay;
import dev.incidents.domain.Decision;
import dev.incidents.domain.EventEnvelope;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.domain.IncidentDecider;
import dev.incidents.domain.IncidentEvent;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs commands: fold the incident's stream, let the decider judge the command, append what it decided.
 * A write answers only after its transaction committed, so 201/202 means durable.
 */
@ApplicationScoped
public class CommandHandler {

    /** What deciding one command inside a transaction came to. */
    public sealed interface Outcome permits Appended, Refused {}

    /** @param sequence the last sequence after the command (unchanged when it appended nothing) */
    public record Appended(String incidentId, long sequence, List<EventEnvelope> events) implements Outcome {}

    public record Refused(Decision.Rejected rejection) implements Outcome {}

    @Inject
    EventStore store;

    @Inject
    IdempotencyKeys idempotencyKeys;

    @Inject
    OutboxRelay relay;

    @Inject
    TransactionSynchronizationRegistry transactions;

    private static final Object FOLDED = new Object();

    /** How often a command is re-decided after losing a race to another writer (without If-Match). */
    @ConfigProperty(name = "incidents.command.conflict-retries", defaultValue = "5")
    int conflictRetries;

    /** One command against one incident, in its own transaction. */
    public WriteResult handle(CommandContext ctx, String incidentId, IncidentCommand command, int successStatus) {
        return transact(ctx, () -> {
            Outcome outcome = decideAndAppend(ctx, incidentId, command);
            if (outcome instanceof Refused refused) {
                throw new ProblemException(toProblem(refused.rejection()));
            }
            Appended a = (Appended) outcome;
            return new WriteResult(a.incidentId(), a.sequence(), successStatus);
        });
    }

    /**
     * Runs {@code work} in a new transaction with the Idempotency-Key check, re-running it when it lost a race
     * to another writer, unless the caller pinned the state it expects with If-Match.
     */
    public WriteResult transact(CommandContext ctx, Supplier<WriteResult> work) {
        for (int attempt = 0; ; attempt++) {
            try {
                WriteResult result = QuarkusTransaction.requiringNew().call(() -> runOnce(ctx, work));
                relay.wakeUp();
                return result;
            } catch (ConcurrencyConflict conflict) {
                if (ctx.expectedSequence() != null || attempt >= conflictRetries) {
                    throw new ProblemException(Problem.conflict(conflict.getMessage()));
                }
            }
        }
    }

    private WriteResult runOnce(CommandContext ctx, Supplier<WriteResult> work) {
        if (ctx.idempotencyKey() != null) {
            var stored = idempotencyKeys.find(ctx.tenant(), ctx.idempotencyKey());
            if (stored.isPresent()) {
                if (!stored.get().requestHash().equals(ctx.requestHash())) {
                    throw new ProblemException(Problem.unprocessable(
                            "Idempotency-Key", "this Idempotency-Key was already used for a different request"));
                }
                return stored.get().result();
            }
        }
        WriteResult result = work.get();
        if (ctx.idempotencyKey() != null && !idempotencyKeys.save(ctx.tenant(), ctx.idempotencyKey(), ctx.requestHash(), result)) {
            throw new ConcurrencyConflict("a request with the same Idempotency-Key was running");
        }
        return result;
    }

    /**
     * Inside the caller's transaction: fold, decide, append. Never throws for a rejected command. The state an
     * incident reaches is remembered until the transaction ends, so a webhook with fifty alerts for one incident
     * reads and folds its stream once, not fifty times.
     */
    public Outcome decideAndAppend(CommandContext ctx, String incidentId, IncidentCommand command) {
        Map<String, IncidentState> folded = foldedInThisTransaction();
        IncidentState state = folded.get(incidentId);
        if (state == null) {
            state = IncidentFold.fold(incidentId, store.load(incidentId));
        }
        // The tenant first: another tenant's incident does not exist for this caller, and nothing about it (not
        // even its sequence, through If-Match) may be told.
        if (state instanceof dev.incidents.domain.Incident incident && !incident.tenant().equals(ctx.tenant())) {
            return new Refused(new Decision.Rejected(Decision.Rejected.Kind.NOT_FOUND, null, "incident " + incidentId + " does not exist"));
        }
        if (ctx.expectedSequence() != null && ctx.expectedSequence() != state.sequence()) {
            if (state.sequence() == 0) {
                return new Refused(new Decision.Rejected(Decision.Rejected.Kind.NOT_FOUND, null, "incident " + incidentId + " does not exist"));
            }
            throw new ConcurrencyConflict("If-Match expects sequence " + ctx.expectedSequence()
                    + " but the incident is at " + state.sequence());
        }
        Decision decision = IncidentDecider.decide(state, command, ctx.occurredAt());
        if (decision instanceof Decision.Rejected rejected) {
            return new Refused(rejected);
        }
        List<IncidentEvent> events = ((Decision.Accepted) decision).events();
        Instant recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        List<EventEnvelope> envelopes = new ArrayList<>(events.size());
        long seq = state.sequence();
        for (IncidentEvent e : events) {
            envelopes.add(EventEnvelope.of(UUID.randomUUID(), incidentId, ++seq, ctx.occurredAt(), recordedAt, ctx.actor(), ctx.tenant(), e));
        }
        if (!envelopes.isEmpty()) {
            store.append(envelopes);
        }
        for (EventEnvelope e : envelopes) {
            state = IncidentFold.evolve(state, e);
        }
        folded.put(incidentId, state);
        return new Appended(incidentId, seq, envelopes);
    }

    /** Incident states folded in the current transaction; they go with it (a retry starts from the store again). */
    @SuppressWarnings("unchecked")
    private Map<String, IncidentState> foldedInThisTransaction() {
        Map<String, IncidentState> folded = (Map<String, IncidentState>) transactions.getResource(FOLDED);
        if (folded == null) {
            folded = new HashMap<>();
            transactions.putResource(FOLDED, folded);
        }
        return folded;
    }

    /** The incident's title as its stream tells it (null when it does not exist). */
    public String titleOf(String incidentId) {
        IncidentState state = IncidentFold.fold(incidentId, store.load(incidentId));
        return state instanceof dev.incidents.domain.Incident i ? i.title() : null;
    }

    /** The incident's sequence now (0 when it does not exist), inside the caller's transaction. */
    public long currentSequence(String incidentId) {
        return store.lastSequence(incidentId);
    }

    public static Problem toProblem(Decision.Rejected r) {
        return switch (r.kind()) {
            case CONFLICT -> Problem.conflict(r.reason());
            case NOT_FOUND -> Problem.notFound(r.reason());
            case INVALID -> Problem.invalid(r.field() != null ? r.field() : "body", r.reason());
        };
    }
}
