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
    WriteSupport write;

    @HeaderParam("Idempotency-Key")
    String idempotencyKey;

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
            description =
                    "A firing event opens an incident or attaches to the open incident of its dedupKey; a resolved one records the alert's end.")
    public Response post(@NotNull @Valid GenericEvent e) {
        return handle(e, idempotencyKey);
    }

    @POST
    @Consumes("application/cloudevents+json")
    @Operation(
            summary = "Post a generic alert event as a CloudEvent (structured mode)",
            description = "The CloudEvent's id and source make a retried delivery idempotent.")
    public Response postCloudEvent(@NotNull @Valid CloudEvent ce) {
        if (!ce.specversion().startsWith("1.")) {
            throw new ProblemException(Problem.invalid("specversion", "only CloudEvents 1.x is understood"));
        }
        GenericEvent d = ce.data();
        GenericEvent merged = new GenericEvent(
                d.source() != null ? d.source() : ce.source(),
                d.dedupKey() != null ? d.dedupKey() : (ce.subject() != null ? ce.subject() : ce.id()),
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
                d.occurredAt() != null ? d.occurredAt() : ce.time());
        var violations = validator.validate(merged);
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.invalid(violations.stream()
                    .map(v -> new Problem.FieldError("data." + v.getPropertyPath(), v.getMessage()))
                    .toList()));
        }
        // CloudEvents promise that source + id identify an event: a redelivery is a retry.
        return handle(merged, idempotencyKey != null ? idempotencyKey : "cloudevent:" + ce.source() + ":" + ce.id());
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
                false);
        return WriteSupport.answer(ingest.fire(ctx, e.dedupKey(), command));
    }
}
