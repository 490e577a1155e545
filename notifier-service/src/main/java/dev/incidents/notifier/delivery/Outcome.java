package dev.incidents.notifier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What one attempt came to, and what it means for the delivery: delivered, worth retrying (5xx, 408, 429,
 * timeouts, resets), or not (other 4xx, redirects, a refused target). {@code retryAfter} is the wait a 429 or 503
 * asked for; {@code gone} is a 410, which ends the subscription.
 */
record Outcome(Integer statusCode, String error, Duration retryAfter, boolean permanent) {

    /** The longest Retry-After we wait; a target asking for more is retried after a day. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    static Outcome answered(int code, String retryAfterHeader, Instant now) {
        Duration wait = (code == 429 || code == 503) ? retryAfter(retryAfterHeader, now) : null;
        boolean permanent = (code >= 300 && code < 400) // redirects are never followed (SSRF)
                || (code >= 400 && code < 500 && code != 408 && code != 429);
        String error = code >= 300 && code < 400 ? "redirect refused (HTTP " + code + ")" : null;
        return new Outcome(code, error, wait, permanent);
    }

    static Outcome failed(Throwable t) {
        Throwable cause =
                t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        String name = cause.getClass().getSimpleName();
        String message = cause.getMessage() == null ? name : name + ": " + cause.getMessage();
        return new Outcome(null, message, null, false);
    }

    /**
     * The target could not be reached: refused or filtered port, no route, name not resolving, TLS handshake
     * failed. One answer for all of them, so the delivery log is no port scanner; the service log has the cause.
     * Retried like any other failure.
     */
    static Outcome unreachable() {
        return new Outcome(null, UNREACHABLE, null, false);
    }

    static final String UNREACHABLE = "target unreachable";

    /** Connected, but no (complete) answer: timed out, reset or closed. Retried. */
    static Outcome noAnswer(String why) {
        return new Outcome(null, why, null, false);
    }

    static Outcome refused(String reason) {
        return new Outcome(null, "target refused: " + reason, null, true);
    }

    boolean delivered() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }

    boolean gone() {
        return statusCode != null && statusCode == 410;
    }

    /** Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(
                        now,
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
