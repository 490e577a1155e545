package dev.incidents.query.incident;

import dev.incidents.domain.Incident;
import dev.incidents.domain.IncidentFold;
import dev.incidents.domain.IncidentState;
import dev.incidents.domain.PostmortemHtml;
import dev.incidents.domain.PostmortemMarkdown;
import dev.incidents.domain.PostmortemReport;
import dev.incidents.query.incident.IncidentViews.IncidentView;
import dev.incidents.query.incident.IncidentViews.TimelineView;
import dev.incidents.support.auth.Caller;
import dev.incidents.support.params.QueryParams;
import dev.incidents.support.problem.Problem;
import dev.incidents.support.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** One incident's state, timeline and postmortem, for dashboards, status pages and reviews (API.md). */
@Path("/api/v1/incidents/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "incidents")
@RolesAllowed({"viewer", "responder", "admin"})
// Blocking: parameters and the first position check run on a worker; a minSequence wait then releases it.
@Blocking
public class IncidentQueryResource {

    @Inject
    IncidentReads reads;

    @Inject
    Caller caller;

    @GET
    @Operation(
            summary = "The incident's current state",
            description = "Answers the incident's ETag (its sequence): send it back as If-Match on a write to the"
                    + " command service, which answers 412 if the incident has moved on since. A past state (asOf,"
                    + " knownAt) carries no ETag.")
    public Uni<RestResponse<IncidentView>> incident(
            @PathParam("id") String id,
            @Parameter(description = "Wait (bounded) until the read model has reached this sequence")
                    @Schema(type = SchemaType.INTEGER)
                    @QueryParam("minSequence")
                    String minSequence,
            @Parameter(description = "IANA zone to render times in, e.g. Africa/Lagos; default UTC") @QueryParam("tz")
                    String tz,
            @Parameter(description = "The incident as it was in the world at this time (what had happened by then)")
                    @QueryParam("asOf")
                    String asOf,
            @Parameter(description = "Only what had been recorded by this time (what the dashboard showed then)")
                    @QueryParam("knownAt")
                    String knownAt) {
        ZoneId zone = zone(tz);
        return incidentAt(id, minSequence, asOf, knownAt)
                .map(incident -> tagged(IncidentViews.incident(incident, zone), incident, asOf, knownAt));
    }

    /** The current state carries its ETag, the sequence a write's If-Match names; a past state carries none. */
    private static <T> RestResponse<T> tagged(T body, Incident incident, String asOf, String knownAt) {
        RestResponse.ResponseBuilder<T> ok = RestResponse.ResponseBuilder.ok(body);
        if ((asOf == null || asOf.isBlank()) && (knownAt == null || knownAt.isBlank())) {
            ok.tag(Long.toString(incident.sequence()));
        }
        return ok.build();
    }

    /** Now, or bitemporally: the world at {@code asOf}, as recorded by {@code knownAt}; not yet existing is 404. */
    private Uni<Incident> incidentAt(String id, String minSequenceParam, String asOf, String knownAt) {
        Long minSequence = QueryParams.number("minSequence", minSequenceParam, 0);
        Instant world = instant("asOf", asOf);
        Instant known = instant("knownAt", knownAt);
        return reads.stream(caller.tenant(), id, minSequence).map(events -> {
            IncidentState state = world == null && known == null
                    ? IncidentFold.fold(id, events)
                    : IncidentFold.foldAsOf(id, events, world, known);
            if (!(state instanceof Incident incident)) {
                throw new ProblemException(Problem.notFound("incident " + id + " did not exist then"));
            }
            return incident;
        });
    }

    private static Instant instant(String field, String value) {
        OffsetDateTime time = QueryParams.time(field, value);
        return time == null ? null : time.toInstant();
    }

    @GET
    @Path("/timeline")
    @Operation(summary = "The incident's timeline, ordered by when things happened")
    public Uni<RestResponse<TimelineView>> timeline(
            @PathParam("id") String id,
            @Schema(type = SchemaType.INTEGER) @QueryParam("minSequence") String minSequence,
            @QueryParam("tz") String tz,
            @QueryParam("asOf") String asOf,
            @QueryParam("knownAt") String knownAt) {
        ZoneId zone = zone(tz);
        return incidentAt(id, minSequence, asOf, knownAt)
                .map(incident -> tagged(IncidentViews.timeline(incident, zone), incident, asOf, knownAt));
    }

    @GET
    @Path("/alerts")
    @Operation(
            summary = "The incident's alerts, with their labels and links",
            description = "Firing first, then the most recently fired; total and firing count them all, alerts holds"
                    + " at most limit of them (default 100, at most 1000). asOf and knownAt as for the incident.")
    public Uni<RestResponse<IncidentViews.AlertsView>> alerts(
            @PathParam("id") String id,
            @Schema(type = SchemaType.INTEGER) @QueryParam("minSequence") String minSequence,
            @Schema(type = SchemaType.INTEGER) @QueryParam("limit") String limit,
            @QueryParam("tz") String tz,
            @QueryParam("asOf") String asOf,
            @QueryParam("knownAt") String knownAt) {
        ZoneId zone = zone(tz);
        Long asked = QueryParams.number("limit", limit, 1, 1000);
        int max = asked == null ? 100 : asked.intValue();
        return incidentAt(id, minSequence, asOf, knownAt)
                .map(incident -> tagged(IncidentViews.alerts(incident, zone, max), incident, asOf, knownAt));
    }

    @GET
    @Path("/postmortem")
    @Produces({MediaType.APPLICATION_JSON, "text/markdown; charset=utf-8", "text/html; charset=utf-8"})
    @Operation(
            summary = "The postmortem, computed from the incident's events",
            description = "As application/json (the default, also for */*), text/markdown or text/html, by the Accept"
                    + " header (406 for anything else); each rendering carries the whole report. atSequence (default:"
                    + " the latest) is the log position; the same position and tz give the same report, whose content"
                    + " hash (over the report, so the same for every rendering) is the JSON's ETag; Markdown's and"
                    + " HTML's add .md and .html.")
    public Uni<Response> postmortem(
            @PathParam("id") String id,
            @Parameter(description = "Log position to compute the report at; default the latest")
                    @Schema(type = SchemaType.INTEGER)
                    @QueryParam("atSequence")
                    String atSequence,
            @Schema(type = SchemaType.INTEGER) @QueryParam("minSequence") String minSequence,
            @QueryParam("tz") String tz,
            @HeaderParam("Accept") String accept) {
        PostmortemFormat format = PostmortemFormat.choose(accept);
        return postmortem(id, atSequence, minSequence, tz).map(r -> {
            Object body = switch (format) {
                case JSON -> r;
                case MARKDOWN -> PostmortemMarkdown.render(r);
                case HTML -> PostmortemHtml.render(r);
            };
            String type = format == PostmortemFormat.JSON ? format.mediaType : format.mediaType + "; charset=utf-8";
            return Response.ok(body)
                    .type(type)
                    .tag(r.contentHash() + format.tagSuffix)
                    .header("Vary", "Accept")
                    .build();
        });
    }

    private Uni<PostmortemReport> postmortem(String id, String atSequenceParam, String minSequenceParam, String tz) {
        ZoneId zone = zone(tz);
        Long atSequence = QueryParams.number("atSequence", atSequenceParam, 1);
        Long minSequence = QueryParams.number("minSequence", minSequenceParam, 0);
        // Only minSequence waits: a position past the end of the log is a mistake to say at once, not to wait for.
        return reads.stream(caller.tenant(), id, minSequence == null ? 0 : minSequence)
                .map(events -> {
                    long last = events.get(events.size() - 1).sequence();
                    if (atSequence != null && atSequence > last) {
                        throw new ProblemException(Problem.invalid(
                                "atSequence",
                                "the incident's log ends at " + last
                                        + " here; to wait for a later write, pass it as minSequence"));
                    }
                    return PostmortemReport.of(events, atSequence == null ? last : atSequence, zone);
                });
    }

    static ZoneId zone(String tz) {
        return QueryParams.zone("tz", tz);
    }
}
