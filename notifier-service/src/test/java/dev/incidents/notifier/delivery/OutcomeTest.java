package dev.incidents.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @ParameterizedTest(name = "{0} -> delivered {1}, permanent {2}")
    @CsvSource({
        "200, true, false",
        "204, true, false",
        "301, false, true",
        "307, false, true",
        "400, false, true",
        "401, false, true",
        "404, false, true",
        "410, false, true",
        "408, false, false",
        "429, false, false",
        "500, false, false",
        "502, false, false",
        "503, false, false",
    })
    void statusCodes(int code, boolean delivered, boolean permanent) {
        Outcome o = Outcome.answered(code, null, NOW);
        assertEquals(delivered, o.delivered());
        assertEquals(permanent, o.permanent());
        assertEquals(code == 410, o.gone());
    }

    @Test
    void aRedirect_isRefused_notFollowed() {
        assertTrue(Outcome.answered(302, null, NOW).error().contains("redirect refused"));
    }

    @Test
    void retryAfter_inSecondsOrAsADate_onlyOn429And503() {
        assertEquals(Duration.ofSeconds(2), Outcome.answered(429, "2", NOW).retryAfter());
        assertEquals(
                Duration.ofSeconds(90),
                Outcome.answered(503, "Sun, 22 Nov 2026 10:01:30 GMT", NOW).retryAfter());
        assertNull(Outcome.answered(500, "2", NOW).retryAfter(), "a 500's Retry-After is not a promise");
        assertNull(Outcome.answered(429, null, NOW).retryAfter(), "absent: the usual backoff");
        assertNull(Outcome.answered(429, "soon", NOW).retryAfter(), "unreadable: the usual backoff");
        assertEquals(
                Duration.ZERO,
                Outcome.answered(429, "Sun, 22 Nov 2026 09:00:00 GMT", NOW).retryAfter(),
                "a past date: now");
        assertEquals(
                Outcome.MAX_RETRY_AFTER,
                Outcome.answered(429, "31536000", NOW).retryAfter(),
                "a year: capped at a day");
    }

    @Test
    void failures_areRetried_withTheCauseAsError() {
        Outcome timeout = Outcome.failed(new CompletionException(new HttpTimeoutException("request timed out")));
        assertFalse(timeout.permanent());
        assertNull(timeout.statusCode());
        assertEquals("HttpTimeoutException: request timed out", timeout.error());
        assertTrue(Outcome.refused("loopback").permanent());
    }
}
