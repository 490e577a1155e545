package dev.incidents.query.incident;

import dev.incidents.domain.IncidentStatus;
import dev.incidents.domain.Severity;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents")
@RolesAllowed({"viewer", "responder", "admin"})
public class IncidentListResource {

    @Inject
    IncidentList list;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "List incidents, newest first",
            description =
                    "Filters combine with AND; a repeated or comma-separated status or severity matches any of them. "
                            + "Follow nextCursor for the next page.")
    public IncidentList.Page list(
            @Parameter(description = "triggered, acknowledged, mitigated, resolved, closed") @QueryParam("status")
                    List<String> status,
            @Parameter(description = "SEV1..SEV4") @QueryParam("severity") List<String> severity,
            @QueryParam("service") String service,
            @Parameter(description = "Incidents started at or after this time") @QueryParam("from") String from,
            @Parameter(description = "Incidents started before this time") @QueryParam("to") String to,
            @Parameter(description = "Text in the title or summary") @QueryParam("q") String q,
            @QueryParam("cursor") String cursor,
            @Parameter(description = "Page size, 1 to 200 (default 50)")
                    @Schema(type = SchemaType.INTEGER)
                    @QueryParam("limit")
                    String limit,
            @QueryParam("tz") String tz) {
        Long requested = QueryParams.number("limit", limit, 1, 200);
        int size = requested == null ? 50 : requested.intValue();
        var filter = new IncidentList.Filter(
                statuses(status),
                severities(severity),
                blankToNull(service),
                QueryParams.time("from", from),
                QueryParams.time("to", to),
                q);
        return list.page(caller.tenant(), filter, blankToNull(cursor), size, IncidentQueryResource.zone(tz));
    }

    private static List<IncidentStatus> statuses(List<String> values) {
        List<IncidentStatus> out = new ArrayList<>();
        for (String v : split(values)) {
            try {
                out.add(IncidentStatus.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Problem.invalid(
                        "status", "'" + v + "' is not one of triggered, acknowledged, mitigated, resolved, closed"));
            }
        }
        return out;
    }

    private static List<Severity> severities(List<String> values) {
        List<Severity> out = new ArrayList<>();
        for (String v : split(values)) {
            try {
                out.add(Severity.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ProblemException(
                        Problem.invalid("severity", "'" + v + "' is not one of SEV1, SEV2, SEV3, SEV4"));
            }
        }
        return out;
    }

    private static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
