package dev.incidents.command.incident;

import dev.incidents.command.store.CommandContext;
import dev.incidents.command.ingest.IngestRateLimits;
import dev.incidents.command.store.WriteResult;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Turns the HTTP conventions of every write (API.md) into a {@link CommandContext} and back into an answer. */
@ApplicationScoped
public class WriteSupport {

    @Inject
    Caller caller;

    @Inject
    IngestRateLimits rateLimits;

    /** How far in the future an occurredAt may lie before it is refused as a clock error. */
    @ConfigProperty(name = "incidents.command.max-clock-skew", defaultValue = "PT5M")
    Duration maxClockSkew;

    /** The JSON body of every write answer. */
    public record WriteAnswer(String incidentId, long sequence) {}

    /** The context of a write by the current caller (tenant and actor from their token or API key). */
    public CommandContext context(OffsetDateTime occurredAt, String ifMatch, String idempotencyKey, String requestFingerprint) {
        if (caller.keyName() != null) {
            rateLimits.admit(caller.tenant(), caller.keyName());
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        requireNotFuture("occurredAt", occurredAt, now);
        return new CommandContext(
                caller.tenant(),
                caller.actor(),
                occurredAt != null ? occurredAt.truncatedTo(ChronoUnit.MICROS) : now,
                parseIfMatch(ifMatch),
                blankToNull(idempotencyKey),
                sha256(requestFingerprint));
    }

    /** A time in the future beyond the allowed skew is a clock or typing error, not a plan. */
    public void requireNotFuture(String field, OffsetDateTime time, OffsetDateTime now) {
        if (time != null && time.isAfter(now.plus(maxClockSkew))) {
            throw new ProblemException(Problem.invalid(field, "must not be in the future"));
        }
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    public static Response answer(WriteResult r) {
        return Response.status(r.status())
                .tag(new EntityTag(Long.toString(r.sequence())))
                .entity(new WriteAnswer(r.incidentId(), r.sequence()))
                .build();
    }

    static Long parseIfMatch(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.invalid("If-Match", "must be the incident's sequence, e.g. \"3\""));
        }
    }

    private static String blankToNull(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        if (s.length() > 255) {
            throw new ProblemException(Problem.invalid("Idempotency-Key", "must be at most 255 characters"));
        }
        return s;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
