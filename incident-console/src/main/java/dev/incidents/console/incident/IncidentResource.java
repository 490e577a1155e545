package dev.incidents.console.incident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidents.console.api.ApiAnswer;
import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.http.ErrorPages;
import dev.incidents.console.prefs.ReaderZone;
import dev.incidents.console.session.Session;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One incident: its state and timeline in the reader's zone, and the actions a responder takes on it. The page
 * carries the ETag it was rendered at; every action sends it as If-Match, so an action taken on a view someone
 * else's change made stale is refused (412) and the person is shown so, with the fresh state a click away.
 */
@Path("/incidents/{id}")
@Authenticated
public class IncidentResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern ETAG = Pattern.compile("(W/)?\"[0-9]{1,19}\"");
    /** Alerts listed on the page; a storm's incident has thousands, counted above the list. */
    private static final int ALERTS_SHOWN = 50;

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("incident.html")
    Template page;

    @Inject
    @Location("stale.html")
    Template stale;

    @TemplateData
    public record Entry(String time, String kind, String text, String by) {}

    @TemplateData
    public record Fact(String label, String value) {}

    /** A link an alert carries; only http(s) targets are shown as links (a javascript: URL would run here). */
    @TemplateData
    public record Link(String href, String text) {}

    /** One alert of the incident as the page shows it: its labels as "name=value", its links. */
    @TemplateData
    public record AlertRow(
            String name,
            String service,
            boolean firing,
            String firedAt,
            String resolvedAt,
            List<String> labels,
            List<Link> links) {}

    /** The incident's alerts: how many, how many firing, and the first of them (firing first). */
    @TemplateData
    public record Alerts(int total, int firing, List<AlertRow> rows) {}

    /** An action item, with what the page needs to offer "done" on an open one. */
    @TemplateData
    public record Item(String id, String kind, String status, String description, String owner, String due) {
        public boolean open() {
            return !"done".equals(status) && !"wont_do".equals(status);
        }
    }

    @TemplateData
    public record View(
            String incidentId,
            String title,
            String status,
            String severity,
            String services,
            String summary,
            String etag,
            long sequence,
            List<Fact> facts,
            List<Fact> impact,
            List<Fact> responders,
            List<Item> actionItems,
            List<Entry> timeline) {}

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response incident(
            @PathParam("id") String id,
            @QueryParam("minSequence") String minSequence,
            @QueryParam("asOf") String asOf,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no incident " + id + ".");
        }
        ZoneId zone = ReaderZone.of(tz);
        String wait = minSequence != null && minSequence.matches("[0-9]{1,18}") ? "&minSequence=" + minSequence : "";
        // A past state ("as of", typed in the reader's zone): the query service folds the log up to then.
        String past = localTime(asOf, zone);
        if (past != null) {
            wait += "&asOf=" + enc(past);
        }
        String path = "/api/v1/incidents/" + id;
        ApiAnswer incident = apis.query(path + "?tz=" + enc(zone.getId()) + wait, session.token());
        if (!incident.ok()) {
            return errors.answer(
                    headers, incident.status(), "The incident could not be read", incident.problemDetail());
        }
        ApiAnswer timeline = apis.query(path + "/timeline?tz=" + enc(zone.getId()) + wait, session.token());
        if (!timeline.ok()) {
            return errors.answer(
                    headers, timeline.status(), "The timeline could not be read", timeline.problemDetail());
        }
        ApiAnswer alerts =
                apis.query(path + "/alerts?limit=" + ALERTS_SHOWN + "&tz=" + enc(zone.getId()) + wait, session.token());
        if (!alerts.ok()) {
            return errors.answer(headers, alerts.status(), "The alerts could not be read", alerts.problemDetail());
        }
        View view = view(incident, timeline.body(), zone);
        String body = page.data("session", session)
                .data("incident", view)
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/incidents/" + id)
                .data("open", !"resolved".equals(view.status()) && !"closed".equals(view.status()))
                .data("alerts", alerts(alerts.body(), zone))
                .data("asOf", past == null ? null : ReaderZone.format(past, zone))
                .data("asOfValue", past == null ? "" : asOf)
                .render();
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .tag(new jakarta.ws.rs.core.EntityTag(Long.toString(view.sequence())))
                .build();
    }

    @POST
    @Path("/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    // A viewer has no write buttons; the console refuses the write too, before the command service would.
    @RolesAllowed({"responder", "admin"})
    public Response act(
            @PathParam("id") String id,
            @PathParam("action") String action,
            @BeanParam ActionForm form,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no incident " + id + ".");
        }
        ZoneId zone = ReaderZone.of(tz);
        Map<String, Object> body = new LinkedHashMap<>();
        String command;
        switch (action) {
            case "acknowledge" -> {
                command = "acknowledge";
                body.put("by", session.name());
            }
            case "mitigate", "resolve" -> {
                command = action;
                putText(body, "description", form.description);
            }
            case "reopen" -> {
                command = "reopen";
                putText(body, "reason", form.description);
            }
            case "close" -> {
                command = "close";
                putText(body, "note", form.description);
            }
            case "note" -> {
                command = "timeline";
                body.put("kind", form.kind == null || form.kind.isBlank() ? "observation" : form.kind);
                body.put("text", form.text == null ? "" : form.text);
                body.put("by", session.name());
                String when = localTime(form.occurredAt, zone);
                if (when != null) {
                    body.put("occurredAt", when);
                }
            }
            case "status-update" -> {
                command = "status-updates";
                body.put("status", form.status == null ? "" : form.status);
                body.put("message", form.message == null ? "" : form.message);
                body.put("public", "true".equals(form.isPublic));
            }
            case "root-cause" -> {
                command = "root-cause";
                body.put("description", form.description == null ? "" : form.description);
                putText(body, "category", form.category);
            }
            case "assign" -> {
                command = "responders";
                body.put("responder", form.responder == null ? "" : form.responder.strip());
                putText(body, "role", form.role);
            }
            case "action-item" -> {
                command = "action-items";
                body.put("kind", form.kind == null ? "" : form.kind);
                body.put("description", form.description == null ? "" : form.description);
                putText(body, "owner", form.owner);
                putText(body, "dueDate", form.dueDate);
            }
            case "complete-item" -> {
                if (form.itemId == null || !ID.matcher(form.itemId).matches()) {
                    return errors.answer(headers, 400, "Which action item?", "itemId: not an action item's id.");
                }
                command = "action-items/" + form.itemId + "/complete";
            }
            default -> {
                return errors.answer(headers, 404, "Not found", "There is no action " + action + ".");
            }
        }
        String etag = form.etag;
        if (etag == null || !ETAG.matcher(etag).matches()) {
            return errors.answer(
                    headers, 400, "Reload the incident", "This form did not say which state of the incident it saw.");
        }
        ApiAnswer answer = apis.command("/api/v1/incidents/" + id + "/" + command, session.token(), body, etag);
        if (answer.ok()) {
            long sequence = answer.body().path("sequence").asLong();
            return Response.seeOther(URI.create("/incidents/" + id + "?minSequence=" + sequence))
                    .build();
        }
        if (answer.status() == 412) {
            String html = stale.data("session", session)
                    .data("incidentId", id)
                    .data("action", action)
                    .data("detail", answer.problemDetail())
                    .render();
            return Response.status(412)
                    .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(html)
                    .build();
        }
        return errors.answer(headers, answer.status(), "The " + action + " was not applied", answer.problemDetail());
    }

    /** A time typed in the reader's zone (a datetime-local field) as the instant it means, with its offset. */
    static String localTime(String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).atZone(zone).toOffsetDateTime().toString();
        } catch (DateTimeException e) {
            // Passed on as typed: the command service names the field that is wrong.
            return value;
        }
    }

    private static void putText(Map<String, Object> body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value);
        }
    }

    static View view(ApiAnswer incident, JsonNode timeline, ZoneId zone) {
        JsonNode i = incident.body();
        List<Fact> facts = new ArrayList<>();
        fact(facts, "Started", ReaderZone.format(i.path("startedAt").asText(null), zone));
        fact(facts, "Detected", ReaderZone.format(i.path("detectedAt").asText(null), zone));
        fact(facts, "Detection", i.path("detectionSource").asText(""));
        String ack = ReaderZone.format(i.path("acknowledgedAt").asText(null), zone);
        fact(
                facts,
                "Acknowledged",
                ack.isEmpty() ? "" : ack + " by " + i.path("acknowledgedBy").asText(""));
        fact(facts, "Mitigated", ReaderZone.format(i.path("mitigatedAt").asText(null), zone));
        fact(facts, "Resolved", ReaderZone.format(i.path("resolvedAt").asText(null), zone));
        fact(facts, "Closed", ReaderZone.format(i.path("closedAt").asText(null), zone));
        JsonNode rootCause = i.path("rootCause");
        if (rootCause.isObject()) {
            fact(facts, "Root cause", rootCause.path("description").asText(""));
        }
        List<Fact> impact = new ArrayList<>();
        JsonNode im = i.path("impact");
        if (im.isObject()) {
            fact(impact, "Description", im.path("description").asText(""));
            fact(
                    impact,
                    "Users affected",
                    im.path("affectedUsersPercent").isNumber()
                            ? im.path("affectedUsersPercent").asText() + " %"
                            : "");
            fact(
                    impact,
                    "Error rate",
                    im.path("errorRatePercent").isNumber()
                            ? im.path("errorRatePercent").asText() + " %"
                            : "");
            fact(impact, "Error codes", join(im.path("errorCodes")));
            fact(impact, "Regions", join(im.path("affectedRegions")));
        }
        List<Fact> responders = new ArrayList<>();
        i.path("responders")
                .forEach(r -> responders.add(
                        new Fact(r.path("role").asText(), r.path("name").asText())));
        List<Item> items = new ArrayList<>();
        i.path("actionItems")
                .forEach(a -> items.add(new Item(
                        a.path("actionItemId").asText(),
                        a.path("kind").asText(),
                        a.path("status").asText(""),
                        a.path("description").asText(),
                        a.path("owner").asText(""),
                        a.path("dueDate").asText(""))));
        List<Entry> entries = new ArrayList<>();
        timeline.path("entries")
                .forEach(e -> entries.add(new Entry(
                        ReaderZone.format(e.path("occurredAt").asText(null), zone),
                        e.path("kind").asText(),
                        e.path("text").asText(),
                        e.path("by").asText(""))));
        String etag = incident.etag().orElse("\"" + i.path("sequence").asLong() + "\"");
        return new View(
                i.path("incidentId").asText(),
                i.path("title").asText(),
                i.path("status").asText(),
                i.path("severity").asText(),
                join(i.path("services")),
                i.path("summary").asText(""),
                etag,
                i.path("sequence").asLong(),
                facts,
                impact,
                responders,
                items,
                entries);
    }

    static Alerts alerts(JsonNode answer, ZoneId zone) {
        List<AlertRow> rows = new ArrayList<>();
        answer.path("alerts").forEach(a -> {
            List<String> labels = new ArrayList<>();
            a.path("labels")
                    .properties()
                    .forEach(l -> labels.add(l.getKey() + "=" + l.getValue().asText()));
            List<Link> links = new ArrayList<>();
            a.path("links").forEach(l -> {
                String href = l.path("href").asText("");
                if (href.startsWith("https://") || href.startsWith("http://")) {
                    String text = l.path("text").asText("");
                    links.add(new Link(href, text.isBlank() ? href : text));
                }
            });
            rows.add(new AlertRow(
                    a.path("name").asText(),
                    a.path("service").asText(""),
                    a.path("firing").asBoolean(),
                    ReaderZone.format(a.path("firedAt").asText(null), zone),
                    ReaderZone.format(a.path("resolvedAt").asText(null), zone),
                    labels,
                    links));
        });
        return new Alerts(answer.path("total").asInt(), answer.path("firing").asInt(), rows);
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
