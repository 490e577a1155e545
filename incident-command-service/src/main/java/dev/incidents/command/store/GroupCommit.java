package dev.incidents.command.store;

import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.tracing.TraceParents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Group commit: requests queue their work, and one writer thread takes everything that queued while the previous
 * commit was in flight and runs it as one transaction ({@link WriteBatch}), one statement per table. A request is
 * answered only after the commit that holds its events, so 201/202 still means durable. A request that fails
 * (refused, If-Match) is taken out of its batch alone; when the batch as a whole loses a race to another writer
 * (another replica took a stream position, a route, an Idempotency-Key), each of its requests runs again in a
 * batch of its own, deciding on the state it then reads. A full queue answers 503 with Retry-After.
 */
public final class GroupCommit {

    private static final AttributeKey<Long> BATCH_REQUESTS = AttributeKey.longKey("incidents.batch.requests");

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** A request's writes, run on the writer thread against the batch: it must not touch request-scoped beans. */
    @FunctionalInterface
    public interface Work {
        WriteResult run(WriteBatch batch);

        /** What it will read, as far as known before it runs: loaded for the whole batch at once. */
        default WriteBatch.Reads reads() {
            return WriteBatch.Reads.NONE;
        }

        /** The work, telling the batch what it will read. */
        static Work reading(WriteBatch.Reads reads, Work work) {
            return new Work() {
                @Override
                public WriteResult run(WriteBatch batch) {
                    return work.run(batch);
                }

                @Override
                public WriteBatch.Reads reads() {
                    return reads;
                }
            };
        }
    }

    /** Tuning; see {@code incidents.command.group-commit.*} in the README. */
    public record Settings(
            int queueCapacity, int maxBatch, int rememberedIncidents, int conflictRetries, Duration answerTimeout) {}

    /** Figures for metrics, updated by the writer thread. */
    public interface Observer {
        void committed(int requests, int events, long nanos);

        void conflicted(int requests);
    }

    private final class Pending {
        final CommandContext ctx;
        final Work work;
        /** The request's trace, taken on its own thread: the writer's spans for it continue there. */
        final Context trace = Context.current();
        /** Its span in the commit being tried now. */
        Span append = Span.getInvalid();

        final CompletableFuture<WriteResult> answer = new CompletableFuture<>();
        WriteResult result;
        RuntimeException failure;
        int conflicts;

        Pending(CommandContext ctx, Work work) {
            this.ctx = ctx;
            this.work = work;
        }
    }

    /** The batch as a whole cannot commit: nothing of it was written. */
    private static final class BatchFailed extends Exception {
        final boolean conflict;

        BatchFailed(Throwable cause, boolean conflict) {
            super(cause);
            this.conflict = conflict;
        }
    }

    private final DataSource dataSource;
    private final Settings settings;
    private final Observer observer;
    private final Runnable afterCommit;
    private final Tracer tracer;
    private final BlockingQueue<Pending> queue;
    private final IncidentStates remembered;
    private volatile boolean running;
    private Thread writer;

    public GroupCommit(DataSource dataSource, Settings settings, Observer observer, Runnable afterCommit) {
        this(dataSource, settings, observer, afterCommit, TracerProvider.noop().get("untraced"));
    }

    /** @param tracer starts each request's span of the commit that holds it ("append"), in the request's trace */
    public GroupCommit(
            DataSource dataSource, Settings settings, Observer observer, Runnable afterCommit, Tracer tracer) {
        this.tracer = tracer;
        this.dataSource = dataSource;
        this.settings = settings;
        this.observer = observer;
        this.afterCommit = afterCommit;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.remembered = new IncidentStates(settings.rememberedIncidents());
    }

    public synchronized void start() {
        running = true;
        writer = new Thread(this::loop, "group-commit");
        writer.setDaemon(true);
        writer.start();
    }

    /** Takes no new work; what already queued is written before the writer ends (up to 10 s). */
    public void stop() throws InterruptedException {
        running = false;
        Thread t = writer;
        if (t != null) {
            t.join(10_000);
        }
    }

    public int queued() {
        return queue.size();
    }

    /**
     * Queues the work and waits for the commit that holds it. Throws what the work threw (a refusal, a conflict
     * with If-Match), or what the database did, as the request's own failure.
     */
    public WriteResult submit(CommandContext ctx, Work work) {
        Pending p = new Pending(ctx, work);
        if (!running) {
            throw new ProblemException(
                    Problem.of(503, "Shutting down", "this replica is stopping; retry (another replica takes it)"), 1);
        }
        if (!queue.offer(p)) {
            throw new ProblemException(
                    Problem.of(
                            503,
                            "Write queue full",
                            "this replica has " + settings.queueCapacity()
                                    + " writes waiting for the database; retry shortly"),
                    1);
        }
        try {
            return p.answer.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ProblemException(
                    Problem.of(
                            503,
                            "Write not confirmed",
                            "the database did not confirm the write within "
                                    + settings.answerTimeout().toSeconds()
                                    + " s; retry (with the same Idempotency-Key)"),
                    1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        }
    }

    /** A request and what became of it, for {@link #writeTogether}. */
    public record Written(WriteResult result, RuntimeException failure) {}

    /**
     * Writes the given requests as one batch on the caller's thread, as the writer would had they queued together;
     * for tests of what a batch keeps apart. Not while the writer thread runs: the remembered states are its own.
     */
    public List<Written> writeTogether(List<CommandContext> contexts, List<Work> works) {
        if (running) {
            throw new IllegalStateException("the writer thread is running");
        }
        List<Pending> batch = new ArrayList<>();
        for (int i = 0; i < works.size(); i++) {
            batch.add(new Pending(contexts.get(i), works.get(i)));
        }
        write(batch);
        List<Written> written = new ArrayList<>();
        for (Pending p : batch) {
            try {
                written.add(new Written(p.answer.join(), null));
            } catch (CompletionException e) {
                written.add(new Written(null, runtime(e.getCause())));
            }
        }
        return written;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxBatch() - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // Never leave a request unanswered, and never lose the writer, whatever broke.
                LOG.error("group commit failed", e);
                RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                for (Pending p : batch) {
                    p.answer.completeExceptionally(failure);
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes the batch; after a lost race, each request again on its own. Answers every request. */
    private void write(List<Pending> batch) {
        try {
            commit(batch);
            answer(batch);
            return;
        } catch (BatchFailed failed) {
            if (failed.conflict) {
                observer.conflicted(batch.size());
            } else if (batch.size() == 1 || databaseFailed(failed.getCause())) {
                // The database failed the batch: every request of it gets that answer (503), none is written.
                for (Pending p : batch) {
                    p.answer.completeExceptionally(runtime(failed.getCause()));
                }
                return;
            }
            // A lost race, or one request's work that broke: each again on its own, so only the culprit fails.
        }
        for (Pending p : batch) {
            writeAlone(p);
        }
    }

    private static boolean databaseFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private void writeAlone(Pending p) {
        while (true) {
            try {
                commit(List.of(p));
                answer(List.of(p));
                return;
            } catch (BatchFailed failed) {
                if (!failed.conflict) {
                    p.answer.completeExceptionally(runtime(failed.getCause()));
                    return;
                }
                observer.conflicted(1);
                if (p.ctx.pinned()) {
                    // Another writer moved the incident on: the state the caller pinned is gone.
                    p.answer.completeExceptionally(new ProblemException(Problem.preconditionFailed(
                            "the incident changed while this request was written; read it again")));
                    return;
                }
                if (++p.conflicts > settings.conflictRetries()) {
                    p.answer.completeExceptionally(new ProblemException(
                            Problem.conflict(failed.getCause().getMessage())));
                    return;
                }
            }
        }
    }

    private void answer(List<Pending> batch) {
        for (Pending p : batch) {
            if (p.failure != null) {
                p.answer.completeExceptionally(p.failure);
            } else {
                p.answer.complete(p.result);
            }
        }
    }

    /** One transaction for the batch: run each request, flush, commit; or throw and leave nothing. */
    private void commit(List<Pending> batch) throws BatchFailed {
        long start = System.nanoTime();
        for (Pending p : batch) {
            p.append = tracer.spanBuilder("append")
                    .setParent(p.trace)
                    .setAttribute(BATCH_REQUESTS, batch.size())
                    .startSpan();
        }
        WriteBatch writes = null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                writes = new WriteBatch(c, remembered);
                List<WriteBatch.Reads> reads = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    reads.add(p.work.reads());
                }
                writes.preload(reads);
                for (Pending p : batch) {
                    run(writes, p);
                }
                writes.flush();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                restoreAutoCommit(c);
            }
        } catch (SQLException | RuntimeException e) {
            if (writes != null) {
                remembered.forgetAll(writes.states().keySet());
            }
            boolean conflict = isConflict(e);
            for (Pending p : batch) {
                p.append.setStatus(
                        StatusCode.ERROR, conflict ? "lost a race to another writer: written again" : e.toString());
                p.append.end();
            }
            throw new BatchFailed(e, conflict);
        }
        for (Pending p : batch) {
            if (p.failure != null) {
                p.append.setStatus(StatusCode.ERROR, p.failure.getMessage());
            }
            p.append.end();
        }
        remembered.rememberAll(writes.states(), writes.heads());
        observer.committed(batch.size(), writes.eventCount(), System.nanoTime() - start);
        afterCommit.run();
    }

    /** One request inside the batch: its Idempotency-Key, its work; a failure takes back only its own writes. */
    private void run(WriteBatch writes, Pending p) throws SQLException {
        p.result = null;
        p.failure = null;
        CommandContext ctx = p.ctx;
        if (ctx.idempotencyKey() != null) {
            WriteBatch.Stored stored = writes.findIdempotent(ctx.tenant(), ctx.idempotencyKey());
            if (stored != null) {
                if (stored.requestHash().equals(ctx.requestHash())) {
                    p.result = stored.result();
                } else {
                    p.failure = new ProblemException(Problem.unprocessable(
                            "Idempotency-Key", "this Idempotency-Key was already used for a different request"));
                }
                return;
            }
        }
        writes.begin(TraceParents.of(p.append));
        try {
            p.result = p.work.run(writes);
            if (ctx.idempotencyKey() != null) {
                writes.rememberIdempotent(ctx.tenant(), ctx.idempotencyKey(), ctx.requestHash(), p.result);
            }
        } catch (ProblemException e) {
            writes.discard();
            p.failure = e;
        } catch (StaleIfMatch e) {
            writes.discard();
            p.failure = new ProblemException(Problem.preconditionFailed(e.getMessage()));
        }
    }

    /** As the pool hands connections out; a broken connection is discarded by the pool anyway. */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debugf("cannot restore autocommit: %s", e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debugf("rollback failed: %s", e);
        }
    }

    /** Another writer got there first: a unique position, a deadlock between two replicas' route locks, a route. */
    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyConflict) {
                return true;
            }
            if (t instanceof SQLException sql) {
                for (SQLException x = sql; x != null; x = x.getNextException()) {
                    String state = x.getSQLState();
                    if ("23505".equals(state) || "40P01".equals(state) || "40001".equals(state)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static RuntimeException runtime(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException("cannot write to the event store", t);
    }
}
