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
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
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
        pumps.execute(() -> pump(sink, sse, token, lastEventId));
    }

    private void pump(SseEventSink sink, Sse sse, String token, String lastEventId) {
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
            forward(lines.iterator(), sink, sse);
        } catch (RuntimeException gone) {
            // The browser went away (a send failed) or the query service closed the stream: the usual end.
            LOG.debugf("live stream ended: %s", gone.toString());
        } finally {
            sink.close();
        }
    }

    /** Server-Sent Events, line by line: fields until a blank line, which ends an event; comments kept alive. */
    private static void forward(Iterator<String> lines, SseEventSink sink, Sse sse) {
        String id = null;
        String name = null;
        StringBuilder data = null;
        while (lines.hasNext() && !sink.isClosed()) {
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
