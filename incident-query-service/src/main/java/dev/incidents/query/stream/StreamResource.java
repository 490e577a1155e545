package dev.incidents.query.stream;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Server-Sent Events of incident changes: one {@code incident} event per applied event, its id the change
 * feed position and its data the event envelope. A client that reconnects with {@code Last-Event-ID} (or
 * {@code ?lastEventId=}) first gets everything it missed, then the live changes, without gaps or repeats.
 */
@Path("/api/v1/stream")
@Tag(name = "stream")
@RolesAllowed({"viewer", "responder", "admin"})
public class StreamResource {

    private static final Logger LOG = Logger.getLogger(StreamResource.class);
    private static final int REPLAY_PAGE = 500;

    @Inject
    ChangeFeed feed;

    @Inject
    Caller caller;

    /** Most live streams one tenant may hold open on this replica; one more is a 429. */
    @ConfigProperty(name = "incidents.query.max-streams-per-tenant", defaultValue = "50")
    int maxStreamsPerTenant;

    private final ConcurrentMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live incident changes (SSE), resumable with Last-Event-ID")
    public void stream(
            @Context SseEventSink sink,
            @Context Sse sse,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdQuery) {
        long from = parse(lastEventIdHeader != null ? lastEventIdHeader : lastEventIdQuery);
        String tenant = caller.tenant();
        AtomicInteger streams = open.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (streams.incrementAndGet() > maxStreamsPerTenant) {
            streams.decrementAndGet();
            throw new ProblemException(
                    Problem.of(
                            429,
                            "Too Many Requests",
                            "this tenant already has " + maxStreamsPerTenant
                                    + " live streams open here; close one or retry later"),
                    5);
        }
        // Listen first, replay second: a change that lands in between is in the queue, and the position check
        // below drops it if the replay already sent it.
        LinkedBlockingQueue<ChangeFeed.Change> live = new LinkedBlockingQueue<>();
        Consumer<ChangeFeed.Change> listener = c -> {
            if (c.tenant().equals(tenant)) {
                live.offer(c);
            }
        };
        feed.subscribe(listener);
        try {
            feed.streams().execute(() -> {
                try {
                    pump(sink, sse, from, tenant, live, listener);
                } finally {
                    streams.decrementAndGet();
                }
            });
        } catch (RuntimeException rejected) {
            streams.decrementAndGet();
            feed.unsubscribe(listener);
            throw rejected;
        }
    }

    private void pump(
            SseEventSink sink,
            Sse sse,
            long from,
            String tenant,
            LinkedBlockingQueue<ChangeFeed.Change> live,
            Consumer<ChangeFeed.Change> listener) {
        long sent = from;
        try {
            if (from >= 0) {
                List<ChangeFeed.Change> missed;
                do {
                    missed = feed.after(tenant, sent, REPLAY_PAGE);
                    for (ChangeFeed.Change c : missed) {
                        send(sink, sse, c);
                        sent = c.position();
                    }
                } while (missed.size() == REPLAY_PAGE);
            }
            while (!sink.isClosed()) {
                ChangeFeed.Change c = live.poll(15, java.util.concurrent.TimeUnit.SECONDS);
                if (c == null) {
                    sink.send(sse.newEventBuilder().comment("keep-alive").build())
                            .toCompletableFuture()
                            .join();
                } else if (c.position() > sent) {
                    send(sink, sse, c);
                    sent = c.position();
                }
            }
        } catch (java.util.concurrent.CompletionException | InterruptedException gone) {
            // The client went away (a send failed) or the service is stopping: the usual end of a stream.
            LOG.debugf("stream closed: %s", gone.toString());
        } catch (RuntimeException e) {
            // Anything else (the change feed unreadable) ends this stream; the client reconnects with its
            // Last-Event-ID and loses nothing, but an operator should see why.
            LOG.warnf(e, "stream of tenant %s ended after position %d", tenant, sent);
        } finally {
            feed.unsubscribe(listener);
            sink.close();
        }
    }

    private static void send(SseEventSink sink, Sse sse, ChangeFeed.Change c) {
        // The data is the envelope's JSON as a string, written as it is. No media type: RESTEasy writes an event's
        // media type as a "content-type:" line, which is no SSE field (event, data, id, retry).
        sink.send(sse.newEventBuilder()
                        .id(Long.toString(c.position()))
                        .name("incident")
                        .data(c.envelopeJson())
                        .build())
                .toCompletableFuture()
                .join();
    }

    /** No Last-Event-ID: live changes only (-1). */
    private static long parse(String id) {
        if (id == null || id.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.invalid("Last-Event-ID", "must be an event id this stream sent"));
        }
    }
}
