package dev.incidents.console.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidents.console.api.ApiAnswer;
import dev.incidents.console.api.ApiDocument;
import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.http.ErrorPages;
import dev.incidents.console.prefs.ReaderZone;
import dev.incidents.console.session.Session;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An incident's postmortem as the query service computes it from the incident's events up to a log position: its
 * figures, milestones, impact, root cause, timeline and action items in the reader's zone, the position and content
 * hash it was computed at, and the report to download as JSON, Markdown or HTML (the query service's own renderings,
 * passed on with the person's token, pinned to the position the page shows).
 */
@Path("/incidents/{id}/postmortem")
@Authenticated
public class PostmortemResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");

    /** The renderings offered for download: the console's path segment, the media type asked for, the extension. */
    enum Format {
        JSON("json", "application/json", "json"),
        MARKDOWN("markdown", "text/markdown", "md"),
        HTML("html", "text/html", "html");

        final String segment;
        final String mediaType;
        final String extension;

        Format(String segment, String mediaType, String extension) {
            this.segment = segment;
            this.mediaType = mediaType;
            this.extension = extension;
        }

        static Format of(String segment) {
            for (Format f : values()) {
                if (f.segment.equals(segment)) {
                    return f;
                }
            }
            return null;
        }
    }

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("postmortem.html")
    Template page;

    @TemplateData
    public record Fact(String label, String value) {}

    /** A key figure: {@code seconds} as the report has it (empty when the milestone is absent). */
    @TemplateData
    public record Figure(String id, String label, String value, String seconds) {}

    @TemplateData
    public record Line(String time, String kind, String text, String by) {}

    @TemplateData
    public record Item(String kind, String description, String owner, String dueDate, String status) {}

    @TemplateData
    public record Cycle(
            String number,
            String openedAt,
            String reason,
            String mitigatedAt,
            String resolvedAt,
            String timeToMitigate,
            String timeToResolve) {}

    @TemplateData
    public record Download(String id, String label, String href) {}

    @TemplateData
    public record View(
            String incidentId,
            String title,
            String severity,
            String status,
            String services,
            String summary,
            List<Figure> figures,
            List<Fact> milestones,
            List<Fact> impact,
            List<Fact> rootCause,
            List<Fact> responders,
            List<Item> actionItems,
            List<Cycle> cycles,
            List<Line> timeline,
            List<Fact> position,
            String sequence,
            String contentHash,
            String chainHash,
            List<Download> downloads) {}

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response postmortem(
            @PathParam("id") String id,
            @QueryParam("atSequence") String atSequence,
            @QueryParam("minSequence") String minSequence,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no incident " + id + ".");
        }
        ZoneId zone = ReaderZone.of(tz);
        ApiAnswer report = apis.query(reportPath(id, zone, atSequence, minSequence), session.token());
        if (!report.ok()) {
            return errors.answer(
                    headers, report.status(), "The postmortem could not be computed", report.problemDetail());
        }
        View view = view(report.body(), zone);
        String body = page.data("session", session)
                .data("report", view)
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/incidents/" + id + "/postmortem")
                .render();
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    /** The report as the query service renders it, served as a file to save; the same position and zone give the same bytes. */
    @GET
    @Path("/{format}")
    public Response download(
            @PathParam("id") String id,
            @PathParam("format") String formatName,
            @QueryParam("atSequence") String atSequence,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        Format format = Format.of(formatName);
        if (!ID.matcher(id).matches() || format == null) {
            return errors.answer(headers, 404, "Not found", "There is no such postmortem.");
        }
        ZoneId zone = ReaderZone.of(tz);
        ApiDocument document =
                apis.queryDocument(reportPath(id, zone, atSequence, null), session.token(), format.mediaType);
        if (!document.ok()) {
            return errors.answer(
                    headers, document.status(), "The postmortem could not be computed", document.problemDetail());
        }
        String name = "postmortem-" + id
                + (atSequence != null && NUMBER.matcher(atSequence).matches() ? "-at-" + atSequence : "") + "."
                + format.extension;
        Response.ResponseBuilder answer = Response.ok(document.body())
                .type(document.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        document.etag().ifPresent(tag -> answer.header("ETag", tag));
        return answer.build();
    }

    private static String reportPath(String id, ZoneId zone, String atSequence, String minSequence) {
        StringBuilder path = new StringBuilder("/api/v1/incidents/")
                .append(id)
                .append("/postmortem?tz=")
                .append(URLEncoder.encode(zone.getId(), StandardCharsets.UTF_8));
        if (atSequence != null && NUMBER.matcher(atSequence).matches()) {
            path.append("&atSequence=").append(atSequence);
        }
        if (minSequence != null && NUMBER.matcher(minSequence).matches()) {
            path.append("&minSequence=").append(minSequence);
        }
        return path.toString();
    }

    static View view(JsonNode r, ZoneId zone) {
        String id = r.path("incidentId").asText();
        List<Figure> figures = List.of(
                figure(r, "duration", "Duration", "durationSeconds"),
                figure(r, "ttd", "Time to detect", "timeToDetectSeconds"),
                figure(r, "tta", "Time to acknowledge", "timeToAcknowledgeSeconds"),
                figure(r, "ttm", "Time to mitigate", "timeToMitigateSeconds"),
                figure(r, "ttr", "Time to resolve", "timeToResolveSeconds"));
        List<Fact> milestones = new ArrayList<>();
        for (String[] m : new String[][] {
            {"Started", "startedAt"},
            {"Detected", "detectedAt"},
            {"Acknowledged", "acknowledgedAt"},
            {"Mitigated", "mitigatedAt"},
            {"Resolved", "resolvedAt"}
        }) {
            String at = time(r.path(m[1]), zone);
            milestones.add(new Fact(m[0], at.isEmpty() ? "n/a" : at));
        }
        fact(milestones, "Detection", r.path("detectionSource").asText(""));
        List<Fact> impact = new ArrayList<>();
        JsonNode im = r.path("impact");
        if (im.isObject()) {
            fact(impact, "Description", im.path("description").asText(""));
            fact(impact, "Users affected", percent(im.path("affectedUsersPercent")));
            fact(impact, "Error rate", percent(im.path("errorRatePercent")));
            fact(impact, "Error code", im.path("errorCode").asText(""));
            fact(impact, "Error codes", join(im.path("errorCodes")));
            fact(impact, "Customers", join(im.path("affectedCustomers")));
            fact(impact, "Regions", join(im.path("affectedRegions")));
        }
        List<Fact> rootCause = new ArrayList<>();
        JsonNode rc = r.path("rootCause");
        if (rc.isObject()) {
            fact(rootCause, "Description", rc.path("description").asText(""));
            fact(rootCause, "Category", rc.path("category").asText(""));
            fact(rootCause, "Identified", time(rc.path("identifiedAt"), zone));
        }
        List<Fact> responders = new ArrayList<>();
        r.path("responders")
                .forEach(p -> responders.add(
                        new Fact(p.path("role").asText(""), p.path("name").asText(""))));
        List<Item> items = new ArrayList<>();
        r.path("actionItems")
                .forEach(a -> items.add(new Item(
                        a.path("kind").asText(""),
                        a.path("description").asText(""),
                        a.path("owner").asText(""),
                        a.path("dueDate").asText(""),
                        a.path("status").asText(a.path("completed").asBoolean() ? "done" : ""))));
        List<Cycle> cycles = new ArrayList<>();
        r.path("cycles")
                .forEach(c -> cycles.add(new Cycle(
                        c.path("number").asText(),
                        time(c.path("openedAt"), zone),
                        c.path("reopenReason").asText(""),
                        orNa(time(c.path("mitigatedAt"), zone)),
                        orNa(time(c.path("resolvedAt"), zone)),
                        Durations.human(seconds(c.path("timeToMitigateSeconds"))),
                        Durations.human(seconds(c.path("timeToResolveSeconds"))))));
        List<Line> timeline = new ArrayList<>();
        r.path("timeline")
                .forEach(t -> timeline.add(new Line(
                        time(t.path("occurredAt"), zone),
                        t.path("kind").asText(""),
                        t.path("text").asText(""),
                        t.path("by").asText(""))));
        JsonNode pos = r.path("position");
        String sequence = pos.path("sequence").asText("");
        List<Fact> position = new ArrayList<>();
        fact(position, "Log position (sequence)", sequence);
        fact(position, "Recorded at", recorded(pos.path("recordedAt"), zone));
        fact(position, "Times in", pos.path("zone").asText(""));
        String chainHash = pos.path("chainHash").asText("");
        String contentHash = r.path("contentHash").asText("");
        String pin = sequence.isEmpty() ? "" : "?atSequence=" + sequence;
        List<Download> downloads = new ArrayList<>();
        for (Format f : Format.values()) {
            downloads.add(new Download(
                    "download-" + f.segment,
                    f == Format.JSON ? "JSON" : f == Format.MARKDOWN ? "Markdown" : "HTML",
                    "/incidents/" + id + "/postmortem/" + f.segment + pin));
        }
        return new View(
                id,
                r.path("title").asText(),
                r.path("severity").asText(),
                r.path("status").asText(),
                join(r.path("services")),
                r.path("summary").asText(""),
                figures,
                milestones,
                impact,
                rootCause,
                responders,
                items,
                cycles.size() > 1 ? cycles : List.of(),
                timeline,
                position,
                sequence,
                contentHash,
                chainHash,
                downloads);
    }

    private static Figure figure(JsonNode r, String id, String label, String field) {
        Long seconds = seconds(r.path(field));
        return new Figure(id, label, Durations.human(seconds), seconds == null ? "" : seconds.toString());
    }

    private static Long seconds(JsonNode n) {
        return n.isNumber() ? n.asLong() : null;
    }

    private static String time(JsonNode n, ZoneId zone) {
        return n.isTextual() ? ReaderZone.format(n.asText(), zone) : "";
    }

    /** The position's recordedAt is an instant (UTC, a "Z"), or seconds since the epoch as Jackson may write one. */
    private static String recorded(JsonNode n, ZoneId zone) {
        if (n.isNumber()) {
            Instant at = Instant.ofEpochMilli(Math.round(n.asDouble() * 1000));
            return ReaderZone.format(at.atOffset(java.time.ZoneOffset.UTC).toString(), zone);
        }
        return time(n, zone);
    }

    private static String orNa(String s) {
        return s.isEmpty() ? "n/a" : s;
    }

    private static String percent(JsonNode n) {
        return n.isNumber() ? n.asText() + " %" : "";
    }

    private static void fact(List<Fact> facts, String label, String value) {
        if (value != null && !value.isBlank()) {
            facts.add(new Fact(label, value));
        }
    }

    private static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return String.join(", ", out);
    }
}
