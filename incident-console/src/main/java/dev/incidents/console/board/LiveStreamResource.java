package dev.incidents.console.board;

import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.api.ServiceUnavailable;
import dev.incidents.console.session.Session;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The browser's live stream: the query service's {@code /api/v1/stream}, asked with the person's token and passed on
 * event by event (ids kept, so the browser's EventSource resumes with Last-Event-ID through the console). The
 * browser never holds the token.
 */
@Path("/events")
@Authenticated
@Singleton
public class LiveStreamResource {

    private static final Logger LOG = Logger.getLogger(LiveStreamResource.class);

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    /**
     * Streams one person may hold open at once (their tabs): each costs a thread here and one of the tenant's streams
     * at the query service, which every colleague of the tenant shares.
     */
    @ConfigProperty(name = "console.live.max-streams-per-person", defaultValue = "3")
    int maxPerPerson;

    /** Streams the whole console holds open at once. */
    @ConfigProperty(name = "console.live.max-streams", defaultValue = "500")
    int maxStreams;

    private final Map<String, AtomicInteger> openByPerson = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /** One thread per open stream, blocked reading the upstream lines. */
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "console-live-stream");
        t.setDaemon(true);
        return t;
    });

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public void stream(@Context SseEventSink sink, @Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId) {
        String token = session.token();
        String person = session.person();
        long expiresAt = session.expiresAtEpochSecond();
        AtomicInteger mine = openByPerson.computeIfAbsent(person, p -> new AtomicInteger());
        // Both counted (not ||): release() takes one from each, whichever refused.
        if (mine.incrementAndGet() > maxPerPerson | open.incrementAndGet() > maxStreams) {
            release(person, mine);
            // Refused without a thread or an upstream stream; the browser tries again later on its own.
            refuse(sink, sse, "too many live streams open");
            return;
        }
        try {
            pumps.execute(() -> {
                try {
                    pump(sink, sse, token, lastEventId, expiresAt);
                } finally {
                    release(person, mine);
                }
            });
        } catch (RuntimeException e) {
            release(person, mine);
            throw e;
        }
    }

    private void release(String person, AtomicInteger mine) {
        open.decrementAndGet();
        if (mine.decrementAndGet() <= 0) {
            openByPerson.remove(person, mine);
        }
    }

    /** Streams open now for a person, for tests. */
    int openFor(String person) {
        AtomicInteger n = openByPerson.get(person);
        return n == null ? 0 : n.get();
    }

    private static void refuse(SseEventSink sink, Sse sse, String why) {
        try {
            sink.send(sse.newEventBuilder()
                            .name("unavailable")
                            .data(why)
                            .reconnectDelay(30_000)
                            .build())
                    .toCompletableFuture()
                    .join();
        } catch (RuntimeException gone) {
            LOG.debugf("refused live stream: %s", gone.toString());
        } finally {
            sink.close();
        }
    }

    private void pump(SseEventSink sink, Sse sse, String token, String lastEventId, long expiresAt) {
        HttpResponse<Stream<String>> upstream;
        try {
            upstream = apis.stream(token, lastEventId);
        } catch (ServiceUnavailable e) {
            LOG.debug(e.getMessage());
            sink.close();
            return;
        }
        try (Stream<String> lines = upstream.body()) {
            if (upstream.statusCode() != 200) {
                // Refused (the session expired, too many streams): the browser tries again later, on its own.
                sink.send(sse.newEventBuilder()
                                .name("unavailable")
                                .data("HTTP " + upstream.statusCode())
                                .reconnectDelay(30_000)
                                .build())
                        .toCompletableFuture()
                        .join();
                return;
            }
            forward(lines.iterator(), sink, sse, expiresAt);
        } catch (RuntimeException gone) {
            // The browser went away (a send failed) or the query service closed the stream: the usual end.
            LOG.debugf("live stream ended: %s", gone.toString());
        } finally {
            sink.close();
        }
    }

    /** Server-Sent Events, line by line: fields until a blank line, which ends an event; comments kept alive. */
    private static void forward(Iterator<String> lines, SseEventSink sink, Sse sse, long expiresAt) {
        String id = null;
        String name = null;
        StringBuilder data = null;
        // Ends with the session's token (checked at each line; keep-alives come often): the page signs in again.
        while (lines.hasNext() && !sink.isClosed() && Instant.now().getEpochSecond() < expiresAt) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    OutboundSseEvent.Builder event =
                            sse.newEventBuilder().data(data.toString()).name(name == null ? "message" : name);
                    if (id != null) {
                        event.id(id);
                    }
                    sink.send(event.build()).toCompletableFuture().join();
                }
                id = null;
                name = null;
                data = null;
            } else if (line.startsWith(":")) {
                // A keep-alive: passing it on finds out whether the browser is still there.
                sink.send(sse.newEventBuilder().comment("keep-alive").build())
                        .toCompletableFuture()
                        .join();
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> name = value;
                    case "data" ->
                        data = data == null
                                ? new StringBuilder(value)
                                : data.append('\n').append(value);
                    default -> {}
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        pumps.shutdownNow();
    }
}
