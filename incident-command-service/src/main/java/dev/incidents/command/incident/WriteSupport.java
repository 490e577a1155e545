package dev.incidents.command.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.WriteResult;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
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

    /** How far in the future an occurredAt may lie before it is refused as a clock error. */
    @ConfigProperty(name = "incidents.command.max-clock-skew", defaultValue = "PT5M")
    Duration maxClockSkew;

    /** The JSON body of every write answer; {@code actionItemId} only in the answer to adding an action item. */
    public record WriteAnswer(
            String incidentId,
            long sequence,
            @JsonInclude(JsonInclude.Include.NON_NULL) String actionItemId) {

        public WriteAnswer(String incidentId, long sequence) {
            this(incidentId, sequence, null);
        }
    }

    /**
     * The context of a write by the current caller (tenant and actor from their token or API key). With an
     * Idempotency-Key, the request's fingerprint is taken from {@code operation} and the request as parsed (a
     * record, or a JSON tree), in canonical form: see {@link #fingerprint}.
     */
    public CommandContext context(
            OffsetDateTime occurredAt, String ifMatch, String idempotencyKey, String operation, Object request) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        requireNotFuture("occurredAt", occurredAt, now);
        String key = blankToNull(idempotencyKey);
        return new CommandContext(
                caller.tenant(),
                caller.actor(),
                occurredAt != null ? occurredAt.truncatedTo(ChronoUnit.MICROS) : now,
                parseIfMatch(ifMatch),
                key,
                key == null ? null : fingerprint(operation, request));
    }

    /** Properties and map keys sorted, nulls and empty values left out, times as sent. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .build();

    /**
     * What tells a retry from another request under the same Idempotency-Key: a hash of the operation and the
     * request in canonical JSON. Not of a Java rendering of it: a field added in a later version, absent from a
     * retry sent across the deploy, leaves the fingerprint as it was.
     */
    static String fingerprint(String operation, Object request) {
        try {
            Object tree = request instanceof JsonNode node ? CANONICAL.convertValue(node, Object.class) : request;
            return sha256(operation + '\n' + CANONICAL.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint the request", e);
        }
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
                .entity(new WriteAnswer(r.incidentId(), r.sequence(), r.actionItemId()))
                .build();
    }

    static Long parseIfMatch(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.equals("*")) {
            return CommandContext.ANY_STATE;
        }
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            long sequence = Long.parseLong(v);
            if (sequence < 0) {
                throw new NumberFormatException("negative");
            }
            return sequence;
        } catch (NumberFormatException e) {
            throw new ProblemException(
                    Problem.invalid("If-Match", "must be the incident's ETag (its sequence, e.g. \"3\") or *"));
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
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
