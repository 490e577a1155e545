package dev.incidents.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.incidents.testsupport.TestAuth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A tenant holds at most so many live streams per replica (4 in tests): one more is a 429; others are unaffected. */
@QuarkusTest
@QueryServiceTest
class StreamLimitTest {

    @TestHTTPResource("/api/v1/stream")
    URI stream;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void oneStreamOverTheTenantsLimit_is429_andAnotherTenantStillStreams() throws Exception {
        String tenant = "sl-" + System.nanoTime();
        List<CompletableFuture<HttpResponse<InputStream>>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(open(tenant));
            }
            // The four are counted once their requests reached the service; the fifth is refused at once.
            HttpResponse<InputStream> refused = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (refused == null && System.nanoTime() < deadline) {
                var fifth = open(tenant);
                try {
                    var r = fifth.get(2, TimeUnit.SECONDS);
                    if (r.statusCode() == 429) {
                        refused = r;
                    } else {
                        r.body().close();
                    }
                } catch (TimeoutException stillOpen) {
                    held.add(fifth); // the four were not all counted yet: this one streams, try again
                }
            }
            assertTrue(refused != null, "a stream over the limit is refused");
            assertEquals(
                    "application/problem+json",
                    refused.headers().firstValue("Content-Type").orElse(""));
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(""));
            refused.body().close();

            var other = open("sl-other-" + System.nanoTime());
            held.add(other);
            try {
                assertEquals(200, other.get(2, TimeUnit.SECONDS).statusCode(), "another tenant streams");
            } catch (TimeoutException streaming) {
                // still open and streaming: not refused
            }
        } finally {
            held.forEach(f -> f.cancel(true));
        }
    }

    private CompletableFuture<HttpResponse<InputStream>> open(String tenant) {
        return http.sendAsync(
                HttpRequest.newBuilder(stream)
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + TestAuth.tokenFor(tenant, "viewer"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }
}
