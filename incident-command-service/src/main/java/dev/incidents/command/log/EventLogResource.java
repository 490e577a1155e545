package dev.incidents.command.log;

import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.quarkus.oidc.BearerTokenAuthentication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's event log as a file (API.md: {@code GET /export}, {@code POST /import}): NDJSON of CloudEvents, the
 * same events Kafka carries. Both are for administrators: an export is every word of every incident, and an import
 * writes history.
 */
@Path("/api/v1")
@Tag(name = "event log", description = "The event log itself: its integrity")
@RolesAllowed("admin")
@BearerTokenAuthentication
public class EventLogResource {

    /** The answer header with the number of events an export holds as it starts, for a progress bar. */
    static final String EVENTS_HEADER = "Export-Events";

    private static final int MAX_INCIDENT_IDS = 1000;

    @Inject
    EventLog log;

    @Inject
    Caller caller;

    @GET
    @Path("export")
    @Produces(CloudEventLines.MEDIA_TYPE)
    @Operation(
            summary = "Export the tenant's events",
            description = "Streams the tenant's events in log order, one CloudEvent (structured JSON mode) per line:"
                    + " the attributes Kafka's ce_* headers carry, and the event as stored (chain hash included) as"
                    + " data. The Export-Events header says how many events the selection held when the export"
                    + " started; events recorded meanwhile may follow them. A time range takes the events recorded in"
                    + " it, so it can continue an earlier export.")
    @APIResponse(
            responseCode = "200",
            description = "The events, one CloudEvent per line",
            content = @Content(mediaType = CloudEventLines.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING)))
    public Response export(
            @Parameter(description = "Events recorded at or after this time (ISO-8601)") @QueryParam("from")
                    String from,
            @Parameter(description = "Events recorded before this time (ISO-8601)") @QueryParam("to") String to,
            @Parameter(description = "Only these incidents' events; repeat for more (at most 1000)")
                    @QueryParam("incidentId")
                    List<String> incidentIds) {
        OffsetDateTime fromTime = QueryParams.time("from", from);
        OffsetDateTime toTime = QueryParams.time("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw new ProblemException(Problem.invalid("to", "must be after from"));
        }
        List<String> ids = incidentIds == null ? List.of() : List.copyOf(incidentIds);
        if (ids.size() > MAX_INCIDENT_IDS) {
            throw new ProblemException(Problem.invalid("incidentId", "at most " + MAX_INCIDENT_IDS + " incidents"));
        }
        if (ids.stream().anyMatch(id -> id.isEmpty() || id.length() > 64)) {
            throw new ProblemException(Problem.invalid("incidentId", "an incident id has 1 to 64 characters"));
        }
        EventLog.Selection selection = new EventLog.Selection(caller.tenant(), fromTime, toTime, ids);
        long events = log.count(selection);
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            log.export(selection, writer);
        };
        return Response.ok(body, CloudEventLines.MEDIA_TYPE)
                .header(EVENTS_HEADER, events)
                .header("Content-Disposition", "attachment; filename=\"incident-events.ndjson\"")
                .build();
    }

    @POST
    @Path("import")
    @Consumes(CloudEventLines.MEDIA_TYPE)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Import events exported from another installation",
            description = "Reads NDJSON of CloudEvents as the export writes them and appends each event as it was"
                    + " written (id, sequence, times, chain hash). Idempotent: an event already here, unchanged, is"
                    + " counted as already present. Refused, each with its line and the reason: a line that is not"
                    + " an event, another tenant's event, an id or a position that holds other content here, a gap in"
                    + " an incident's sequence, a chain hash that does not follow. The rest is still imported."
                    + " Imported events reach the read models; subscribers are not notified of them again. The body"
                    + " is streamed: up to incidents.import.max-body-size (4 GiB), each line up to 1 MiB.")
    @RequestBody(required = true) // its example: openapi-examples/import.ndjson
    public EventLog.Report importEvents(InputStream body) throws IOException {
        return log.importLines(caller.tenant(), body);
    }
}
