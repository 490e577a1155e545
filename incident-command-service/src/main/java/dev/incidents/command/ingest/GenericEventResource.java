package dev.incidents.command.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.incidents.command.auth.ApiKeyAuthentication;
import dev.incidents.command.auth.ApiKeyIdentityProvider;
import dev.incidents.command.incident.WriteSupport;
import dev.incidents.command.store.CommandContext;
import dev.incidents.domain.AlertLink;
import dev.incidents.domain.IncidentCommand.FireAlert;
import dev.incidents.domain.IncidentCommand.ResolveAlert;
import dev.incidents.domain.Severity;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import dev.incidents.support.validation.SaneTime;
import io.quarkus.vertx.http.runtime.security.annotation.HttpAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A generic JSON event, for monitoring systems without a native integration and for scripts. */
@Path("/api/v1/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "integrations")
@HttpAuthenticationMechanism(ApiKeyAuthentication.SCHEME)
@RolesAllowed(ApiKeyIdentityProvider.ROLE)
@RateLimited
// One instance for every request: a per-request field (a header, @Context) would make it request scoped, built with
// its interceptors and configuration on each request (5% of the service's CPU at 100 alerts/s).
@Singleton
public class GenericEventResource {

    public enum Status {
        @JsonProperty("firing")
        FIRING,
        @JsonProperty("resolved")
        RESOLVED
    }

    /**
     * @param dedupKey the alert's identity: events with the same key are the same alert
     * @param status firing (the default) or resolved
     */
    public record GenericEvent(
            @NotBlank @Size(max = 200) String source,
            @NotBlank @Size(max = 500) String dedupKey,
            Status status,
            @Size(max = 300) String title,
            Severity severity,
            @Size(max = 200) String service,
            @Size(max = 20_000) String summary,
            @Size(max = 100) Map<String, String> labels,
            @Size(max = 100) Map<String, String> annotations,
            @Size(max = 100) Map<String, String> details,
            @Size(max = 20) List<@Valid AlertLink> links,
            @SaneTime OffsetDateTime startsAt,
            @SaneTime OffsetDateTime occurredAt) {}

    @Inject
    AlertIngest ingest;

    @Inject
    IngestConfig config;

    @Inject
    WriteSupport write;

    /** A CloudEvent in structured mode whose data is a generic event; source, subject, id and time fill its gaps. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true) // extension attributes
    public record CloudEvent(
            @NotBlank String specversion,
            @NotBlank @Size(max = 500) String id,
            @NotBlank @Size(max = 200) String source,
            @NotBlank @Size(max = 200) String type,
            @Size(max = 500) String subject,
            @SaneTime OffsetDateTime time,
            String datacontenttype,
            @NotNull GenericEvent data) {}

    @Inject
    Validator validator;

    @POST
    @Operation(
            summary = "Post a generic alert event",
            description = "A firing event opens an incident or attaches to the open incident of its dedupKey; a"
                    + " resolved one records the alert's end, and resolves the incident when it was its last firing"
                    + " alert (incidents.ingest.generic.auto-resolve, default true). With ce-specversion, ce-id,"
                    + " ce-source and ce-type headers the body is a CloudEvent's data in binary mode.")
    public Response post(
            @NotNull GenericEvent e,
            @HeaderParam("ce-specversion") String ceSpecversion,
            @HeaderParam("ce-id") String ceId,
            @HeaderParam("ce-source") String ceSource,
            @HeaderParam("ce-type") String ceType,
            @HeaderParam("ce-subject") String ceSubject,
            @HeaderParam("ce-time") String ceTime,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (ceSpecversion == null) {
            return handle(validated(e, ""), idempotencyKey);
        }
        // Binary mode (CloudEvents HTTP binding, 3.1): the attributes are headers, the body is the data. They are
        // checked by the same constraints as a structured CloudEvent's, each error named by its header.
        OffsetDateTime time = null;
        if (ceTime != null) {
            try {
                time = OffsetDateTime.parse(ceTime.strip());
            } catch (java.time.format.DateTimeParseException ex) {
                throw new ProblemException(
                        Problem.invalid("ce-time", "must be an RFC 3339 time, e.g. 2026-03-02T10:00:00Z"));
            }
        }
        CloudEvent ce =
                validated(new CloudEvent(ceSpecversion, ceId, ceSource, ceType, ceSubject, time, null, e), "ce-");
        return cloudEvent(
                ce.specversion(),
                "ce-specversion",
                ce.id(),
                ce.source(),
                ce.subject(),
                ce.time(),
                e,
                "",
                idempotencyKey);
    }

    @POST
    @Consumes("application/cloudevents+json")
    @Operation(
            summary = "Post a generic alert event as a CloudEvent (structured mode)",
            description = "The CloudEvent's id and source make a retried delivery idempotent.")
    public Response postCloudEvent(
            @NotNull @Valid CloudEvent ce, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return cloudEvent(
                ce.specversion(),
                "specversion",
                ce.id(),
                ce.source(),
                ce.subject(),
                ce.time(),
                ce.data(),
                "data.",
                idempotencyKey);
    }

    /** A CloudEvent whose data is a generic event, in either mode: source, subject, id and time fill its gaps. */
    private Response cloudEvent(
            String specversion,
            String specversionField,
            String id,
            String source,
            String subject,
            OffsetDateTime time,
            GenericEvent d,
            String dataPrefix,
            String idempotencyKey) {
        if (!specversion.startsWith("1.")) {
            throw new ProblemException(Problem.invalid(specversionField, "only CloudEvents 1.x is understood"));
        }
        GenericEvent merged = new GenericEvent(
                d.source() != null ? d.source() : source,
                d.dedupKey() != null ? d.dedupKey() : (subject != null ? subject : id),
                d.status(),
                d.title(),
                d.severity(),
                d.service(),
                d.summary(),
                d.labels(),
                d.annotations(),
                d.details(),
                d.links(),
                d.startsAt(),
                d.occurredAt() != null ? d.occurredAt() : time);
        // CloudEvents promise that source + id identify an event: a redelivery is a retry.
        return handle(
                validated(merged, dataPrefix),
                idempotencyKey != null ? idempotencyKey : "cloudevent:" + source + ":" + id);
    }

    /** {@code value} if its constraints hold; else 400 naming each field, after {@code prefix}. */
    private <T> T validated(T e, String prefix) {
        var violations = validator.validate(e);
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.invalid(violations.stream()
                    .map(v -> new Problem.FieldError(prefix + v.getPropertyPath(), v.getMessage()))
                    .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                    .toList()));
        }
        return e;
    }

    private Response handle(GenericEvent e, String idempotencyKey) {
        CommandContext ctx = write.context(e.occurredAt(), null, idempotencyKey, "events", e);
        if (e.status() == Status.RESOLVED) {
            return WriteSupport.answer(ingest.resolve(ctx, e.dedupKey(), new ResolveAlert(e.source(), e.dedupKey())));
        }
        String name = e.title() != null && !e.title().isBlank() ? e.title() : e.dedupKey();
        var command = new FireAlert(
                e.source(),
                e.dedupKey(),
                name,
                e.severity() != null ? e.severity() : Severity.SEV3,
                e.service(),
                e.summary() != null ? e.summary() : e.title(),
                e.labels(),
                e.annotations(),
                e.details(),
                e.links(),
                e.startsAt(),
                config.generic().autoResolve());
        return WriteSupport.answer(ingest.fire(ctx, e.dedupKey(), command));
    }
}
