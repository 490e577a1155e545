package dev.incidents.query;

import static dev.incidents.query.Events.wat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.domain.IncidentEvent;
import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QueryServiceTest
class StreamTest {

    @TestHTTPResource("/api/v1/stream")
    URI stream;

    record SseEvent(String id, String event, String data) {}

    /** Opens the stream as a browser's EventSource does. */
    private HttpResponse<Stream<String>> open(String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(stream)
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + TestAuth.token("viewer"));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        // HTTP/1.1, as a browser's EventSource speaks over plain HTTP (the JDK client's default h2c upgrade is not
        // what dashboards do, and has hung a run here before).
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<Stream<String>>> response =
                http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> r = response.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        return r;
    }

    /** Opens the stream and collects {@code count} events of the given incident, or what came within 20 s. */
    private List<SseEvent> read(String lastEventId, String incidentId, int count, Runnable afterConnect)
            throws Exception {
        HttpResponse<Stream<String>> r = open(lastEventId);
        afterConnect.run();
        List<SseEvent> events = Collections.synchronizedList(new ArrayList<>());
        // Its own thread: on two cores the common pool has a single worker, and anything else parked there would
        // leave this reader waiting in its queue until the deadline, seeing nothing.
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<?> reading = reader.submit(() -> {
            String id = null;
            String name = null;
            String data = null;
            Iterator<String> lines = r.body().iterator();
            while (events.size() < count && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data = line.substring(5).trim();
                } else if (line.isEmpty() && data != null) {
                    if (data.contains(incidentId)) {
                        events.add(new SseEvent(id, name, data));
                    }
                    id = name = data = null;
                }
            }
        });
        try {
            reading.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // return what came
        } finally {
            r.body().close();
            reader.shutdownNow();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Test
    void liveChanges_arrive_andAReconnectWithLastEventIdGetsWhatWasMissed_once() throws Exception {
        Events e = new Events();
        List<SseEvent> live = read(null, e.incidentId, 2, () -> {
            e.publish(e.declared());
            e.publish(e.envelope(2, wat("09:00"), new IncidentEvent.IncidentAcknowledged("ada")));
        });
        assertEquals(2, live.size(), "both changes streamed live: " + live);
        assertEquals("incident", live.get(0).event());
        assertTrue(live.get(0).data().contains("\"type\":\"IncidentDeclared\""));
        assertTrue(Long.parseLong(live.get(1).id()) > Long.parseLong(live.get(0).id()));

        // Disconnected after the first change; two more happen meanwhile.
        e.publish(e.envelope(3, wat("09:15"), new IncidentEvent.IncidentMitigated("maintenance page")));
        e.publish(e.envelope(4, wat("11:17"), new IncidentEvent.IncidentResolved("patched")));
        Thread.sleep(Duration.ofSeconds(1).toMillis());
        List<SseEvent> resumed = read(live.get(0).id(), e.incidentId, 3, () -> {});
        assertEquals(
                List.of("IncidentAcknowledged", "IncidentMitigated", "IncidentResolved"),
                resumed.stream()
                        .map(ev -> ev.data().replaceAll(".*\"type\":\"([A-Za-z]+)\".*", "$1"))
                        .toList(),
                "everything after the last seen id, in order, nothing twice");
    }

    @Test
    void everyLineOfTheStream_isAnSseField_orAComment() throws Exception {
        Events e = new Events();
        HttpResponse<Stream<String>> r = open(null);
        e.publish(e.declared());
        // Every line as it came, up to the end of the event of this incident (or what came within 20 s).
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<?> reading = reader.submit(() -> {
            boolean ours = false;
            Iterator<String> it = r.body().iterator();
            while (it.hasNext()) {
                String line = it.next();
                lines.add(line);
                ours |= line.startsWith("data:") && line.contains(e.incidentId);
                if (ours && line.isEmpty()) {
                    return;
                }
            }
        });
        try {
            reading.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException timeout) {
            // judged on what came
        } finally {
            r.body().close();
            reader.shutdownNow();
        }
        List<String> seen;
        synchronized (lines) {
            seen = List.copyOf(lines);
        }
        assertTrue(
                seen.stream().anyMatch(l -> l.startsWith("data:") && l.contains("\"type\":\"IncidentDeclared\"")),
                "the event arrived: " + seen);
        // The fields of the SSE format are event, data, id and retry; a line starting with a colon is a comment.
        List<String> foreign = seen.stream()
                .filter(l -> !l.isEmpty() && !l.startsWith(":") && !l.matches("(event|data|id|retry)(:.*)?"))
                .toList();
        assertEquals(List.of(), foreign, "lines that are no SSE field");
    }
}
