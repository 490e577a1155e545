package dev.incidents.command.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidents.command.auth.ApiKeyAuthentication;
import dev.incidents.command.auth.ApiKeyIdentityProvider;
import dev.incidents.command.incident.WriteSupport;
import dev.incidents.command.store.CommandContext;
import dev.incidents.command.store.CommandHandler;
import dev.incidents.command.store.GroupCommit;
import dev.incidents.command.store.WriteBatch;
import dev.incidents.command.store.WriteResult;
import dev.incidents.domain.AlertLink;
import dev.incidents.domain.IncidentCommand;
import dev.incidents.support.json.NulRefusingJson;
import dev.incidents.support.problem.DatabaseUnavailable;
import dev.incidents.support.validation.SaneTime;
import io.quarkus.vertx.http.runtime.security.annotation.HttpAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * PagerDuty Events API v2, so that anything that can page PagerDuty can open incidents here. Answers as
 * PagerDuty does (202 {@code {"status":"success","message":"Event processed","dedup_key":...}}, 400
 * {@code {"status":"invalid event","message":"Event object is invalid","errors":[...]}}) because its clients
 * read those bodies; our own {@code incidentId} and {@code sequence} ride along.
 */
@Path("/api/v1/integrations/pagerduty")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "integrations")
@HttpAuthenticationMechanism(ApiKeyAuthentication.SCHEME)
@RolesAllowed(ApiKeyIdentityProvider.ROLE)
@RateLimited
// PagerDuty's clients retry a 5xx: with the database unreachable they get 503 and Retry-After, in PagerDuty's shape.
@DatabaseUnavailable.Body(
        "{\"status\":\"unavailable\",\"message\":\"Service temporarily unavailable; retry the event later\","
                + "\"errors\":[\"the database cannot be reached; nothing of this event was kept\"]}")
// One instance for every request: a per-request field (a header, @Context) would make it request scoped, built with
// its interceptors and configuration on each request (5% of the service's CPU at 100 alerts/s).
@Singleton
public class PagerDutyResource {

    static final String SOURCE = "pagerduty";
    private static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(
            String status,
            String message,
            @JsonProperty("dedup_key") String dedupKey,
            List<String> errors,
            String incidentId,
            Long sequence) {}

    /**
     * The Events API v2 body as {@link #receive} reads it, for the OpenAPI document only: the route parses the body
     * itself, to answer PagerDuty's error shape. What a trigger needs more is added by the document's filter.
     */
    @Schema(name = "PagerDutyEvent", description = "A PagerDuty Events API v2 event; other fields are ignored")
    public record Event(
            @Schema(description = "PagerDuty's integration key; not needed here (the API key authenticates)")
            @JsonProperty("routing_key")
            String routingKey,

            @Schema(
                    required = true,
                    enumeration = {"trigger", "acknowledge", "resolve"})
            @JsonProperty("event_action")
            String eventAction,

            @Schema(
                    maxLength = 255,
                    description = "The alert's key; required to acknowledge or resolve, generated for a"
                            + " trigger without one")
            @JsonProperty("dedup_key")
            String dedupKey,

            @Schema(description = "Required to trigger; ignored otherwise")
            Payload payload,

            List<Link> links,
            List<Image> images,
            String client,
            @JsonProperty("client_url") String clientUrl) {}

    @Schema(name = "PagerDutyPayload")
    public record Payload(
            @Schema(maxLength = 1024) String summary,

            @Schema(description = "The host or system affected; the incident's service unless component or group")
            String source,

            @Schema(enumeration = {"critical", "error", "warning", "info"})
            String severity,

            @Schema(description = "When it happened (ISO 8601 with an offset)")
            OffsetDateTime timestamp,

            @Schema(description = "The incident's service when given")
            String component,

            @Schema(description = "The incident's service when given and no component")
            String group,

            @JsonProperty("class") String eventClass,

            @Schema(
                    description = "Free-form details kept on the alert: an object, as PagerDuty has it (any other"
                            + " JSON value is kept as text)")
            @JsonProperty("custom_details")
            Object customDetails) {}

    @Schema(name = "PagerDutyLink")
    public record Link(String href, String text) {}

    @Schema(name = "PagerDutyImage")
    public record Image(String src, String href, String alt) {}

    @Inject
    AlertIngest ingest;

    @Inject
    CommandHandler handler;

    @Inject
    IngestConfig config;

    @Inject
    WriteSupport write;

    @Inject
    ObjectMapper mapper;

    @POST
    @Operation(summary = "Receive a PagerDuty Events API v2 event (trigger, acknowledge, resolve)")
    public Response receive(
            // Read as it came, to answer PagerDuty's own errors; documented as the event it is.
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(implementation = Event.class)))
                    String raw,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        JsonNode event;
        try {
            event = raw == null || raw.isBlank() ? null : mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            return invalid(List.of("body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (event == null || !event.isObject()) {
            return invalid(List.of("body must be a JSON object"));
        }
        List<String> errors = new ArrayList<>();
        String nul = NulRefusingJson.nulIn(event);
        if (nul != null) {
            errors.add("'" + nul.substring(1).replace('/', '.') + "' " + NulRefusingJson.MESSAGE);
        }
        String action = text(event, "event_action");
        if (action == null || !List.of("trigger", "acknowledge", "resolve").contains(action)) {
            errors.add("'event_action' must be one of trigger, acknowledge, resolve");
        }
        String dedupKey = text(event, "dedup_key");
        if (dedupKey != null && dedupKey.length() > 255) {
            errors.add("'dedup_key' must be at most 255 characters");
        }
        if (!"trigger".equals(action) && dedupKey == null && action != null) {
            errors.add("'dedup_key' is required for " + action + " events");
        }
        JsonNode payload = event.get("payload");
        if ("trigger".equals(action)) {
            if (payload == null || !payload.isObject()) {
                errors.add("'payload' is missing or not an object");
            } else {
                if (blank(text(payload, "summary"))) {
                    errors.add("'payload.summary' is missing or blank");
                } else if (text(payload, "summary").length() > 1024) {
                    errors.add("'payload.summary' must be at most 1024 characters");
                }
                if (blank(text(payload, "source"))) {
                    errors.add("'payload.source' is missing or blank");
                }
                String severity = text(payload, "severity");
                if (severity == null || !SEVERITIES.contains(severity)) {
                    errors.add("'payload.severity' must be one of critical, error, warning, info");
                }
                String timestamp = text(payload, "timestamp");
                if (timestamp != null) {
                    try {
                        String outside = SaneTime.Window.problem(OffsetDateTime.parse(timestamp));
                        if (outside != null) {
                            errors.add("'payload.timestamp' " + outside);
                        }
                    } catch (DateTimeParseException e) {
                        errors.add("'payload.timestamp' must be an ISO 8601 time with an offset");
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }

        // PagerDuty generates a dedup key for a trigger without one, and answers it, so that the sender can
        // acknowledge and resolve later.
        String key = dedupKey != null ? dedupKey : UUID.randomUUID().toString().replace("-", "");
        CommandContext ctx = write.context(null, null, idempotencyKey, "pagerduty", event);
        WriteResult result = switch (action) {
            case "trigger" ->
                ingest.ingest(
                                ctx,
                                List.of(trigger(key, payload, event)),
                                config.pagerduty().autoResolve())
                        .get(0);
            case "resolve" ->
                ingest.ingest(ctx, List.of(resolve(key)), config.pagerduty().autoResolve())
                        .get(0);
            default -> acknowledge(ctx, key);
        };
        return Response.accepted(new Answer(
                        "success",
                        "Event processed",
                        key,
                        null,
                        result.incidentId(),
                        result.incidentId() == null ? null : result.sequence()))
                .build();
    }

    /** Acknowledges the incident the key feeds; one already acknowledged (or further along) stays as it is. */
    private WriteResult acknowledge(CommandContext ctx, String key) {
        return handler.transact(
                ctx, GroupCommit.Work.reading(WriteBatch.Reads.route(ctx.tenant(), SOURCE, key), batch -> {
                    String incidentId = batch.route(ctx.tenant(), SOURCE, key);
                    if (incidentId == null) {
                        return new WriteResult(null, 0, 202);
                    }
                    WriteBatch.Outcome outcome =
                            batch.decideAndAppend(ctx, incidentId, new IncidentCommand.AcknowledgeIncident(SOURCE));
                    if (outcome instanceof WriteBatch.Appended a) {
                        return new WriteResult(incidentId, a.sequence(), 202);
                    }
                    return new WriteResult(incidentId, batch.currentSequence(incidentId), 202);
                }));
    }

    private AlertSignal trigger(String key, JsonNode payload, JsonNode event) {
        String summary = text(payload, "summary");
        Map<String, String> details = new LinkedHashMap<>();
        for (String field : List.of("source", "component", "group", "class")) {
            if (text(payload, field) != null) {
                details.put(field, text(payload, field));
            }
        }
        JsonNode custom = payload.get("custom_details");
        if (custom != null && custom.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = custom.fields(); it.hasNext(); ) {
                var e = it.next();
                details.put(
                        "custom_details." + e.getKey(),
                        e.getValue().isTextual()
                                ? e.getValue().asText()
                                : e.getValue().toString());
            }
        } else if (custom != null && !custom.isNull()) {
            details.put("custom_details", custom.isTextual() ? custom.asText() : custom.toString());
        }
        List<AlertLink> links = new ArrayList<>();
        for (JsonNode l : iterable(event.get("links"))) {
            if (text(l, "href") != null) {
                links.add(new AlertLink(text(l, "href"), text(l, "text")));
            }
        }
        for (JsonNode i : iterable(event.get("images"))) {
            if (text(i, "src") != null) {
                links.add(new AlertLink(text(i, "src"), text(i, "alt") != null ? text(i, "alt") : "image"));
            }
        }
        // Our service: what PagerDuty calls the component, else its logical group, else the source host.
        String service = firstNonBlank(text(payload, "component"), text(payload, "group"), text(payload, "source"));
        String timestamp = text(payload, "timestamp");
        return new AlertSignal(
                SOURCE,
                key,
                key,
                true,
                summary,
                config.severityOf(text(payload, "severity")),
                service,
                summary,
                Map.of(),
                Map.of(),
                details,
                links,
                timestamp == null ? null : OffsetDateTime.parse(timestamp),
                null);
    }

    private static AlertSignal resolve(String key) {
        return new AlertSignal(
                SOURCE, key, key, false, null, null, null, null, Map.of(), Map.of(), Map.of(), List.of(), null, null);
    }

    private static Response invalid(List<String> errors) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Answer("invalid event", "Event object is invalid", null, errors, null, null))
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!blank(v)) {
                return v;
            }
        }
        return null;
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array != null && array.isArray() ? array : List.of();
    }
}
