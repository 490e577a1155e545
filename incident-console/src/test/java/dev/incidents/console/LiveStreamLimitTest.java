package dev.incidents.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The live stream is bounded: one person holds at most three at once (each costs a thread here and one of the
 * tenant's streams at the query service), the fourth is refused at once, a colleague is not affected, and a closed tab
 * gives its slot back. The query service's stream is played by a stub that sends keep-alives until the console hangs
 * up.
 */
@QuarkusTest
@WithTestResource(DevKeyResource.class)
@TestProfile(LiveStreamLimitTest.StubbedQueryService.class)
class LiveStreamLimitTest {

    static final AtomicInteger upstreamOpen = new AtomicInteger();
    static HttpServer stub;

    public static class StubbedQueryService implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("console.query-url", "http://127.0.0.1:" + startStub());
        }
    }

    static synchronized int startStub() {
        if (stub == null) {
            try {
                stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stub.setExecutor(Executors.newCachedThreadPool());
            stub.createContext("/api/v1/stream", ex -> {
                upstreamOpen.incrementAndGet();
                try (ex) {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    while (true) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the console hung up
                } finally {
                    upstreamOpen.decrementAndGet();
                }
            });
            stub.start();
        }
        return stub.getAddress().getPort();
    }

    @TestHTTPResource("/events")
    URI events;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private InputStream open(String session) throws Exception {
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(events)
                        .header("Accept", "text/event-stream")
                        .header("Cookie", "console_session=" + session)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The stream's lines up to its first blank line: its first event or comment. */
    private static List<String> firstMessage(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null && !line.isEmpty(); ) {
            lines.add(line);
        }
        return lines;
    }

    private static void awaitUpstream(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (upstreamOpen.get() != n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, upstreamOpen.get(), "streams open at the query service");
    }

    @Test
    void aFourthStreamOfOnePerson_isRefused_aColleaguesIsNot_andAClosedTabGivesItsSlotBack() throws Exception {
        String ada = DevKeyResource.tokens.token("ada", "default", List.of("viewer"), Duration.ofHours(1));
        String grace = DevKeyResource.tokens.token("grace", "default", List.of("viewer"), Duration.ofHours(1));
        List<InputStream> tabs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            InputStream tab = open(ada);
            assertEquals(List.of(":keep-alive"), firstMessage(tab), "tab " + i + " is live");
            tabs.add(tab);
        }
        awaitUpstream(3);

        List<String> refused = firstMessage(open(ada));
        assertTrue(refused.contains("event:unavailable"), refused.toString());
        assertTrue(refused.contains("data:too many live streams open"), refused.toString());
        awaitUpstream(3); // the refusal cost no stream at the query service

        InputStream colleague = open(grace);
        assertEquals(List.of(":keep-alive"), firstMessage(colleague));
        awaitUpstream(4);
        colleague.close();

        tabs.remove(0).close(); // ada closes a tab: the console notices at its next keep-alive
        awaitUpstream(2);
        InputStream again = open(ada);
        assertEquals(List.of(":keep-alive"), firstMessage(again), "the slot came back");
        again.close();
        for (InputStream tab : tabs) {
            tab.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a stream that outlives its token would hang here, not pass
    void aStream_endsWithItsSessionsToken() throws Exception {
        String brief = DevKeyResource.tokens.token("brief", "default", List.of("viewer"), Duration.ofSeconds(3));
        BufferedReader tab = new BufferedReader(new InputStreamReader(open(brief), StandardCharsets.UTF_8));
        assertEquals(":keep-alive", tab.readLine(), "live while the token is good");
        // Then the console hangs up on its own: the stream ends (the page signs in again to go on).
        int lines = 0;
        while (tab.readLine() != null) {
            lines++;
        }
        assertTrue(lines > 0);
        awaitUpstream(0);
    }
}
