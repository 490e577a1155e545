package dev.incidents.console.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidents.console.api.ApiAnswer;
import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.board.BoardResource;
import dev.incidents.console.http.ErrorPages;
import dev.incidents.console.prefs.ReaderZone;
import dev.incidents.console.session.Session;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who hears about incidents: the tenant's subscriptions (webhook, Slack, e-mail) and each one's delivery log, through
 * the notifier's API. A webhook's signing secret is in the answer to its creation only: the console shows it on that
 * one answer (never stored, never in a URL, a cookie or a log; {@code Cache-Control: no-store}) and nowhere else. The
 * notifier lets responders and admins alone manage subscriptions (a Slack URL is itself a secret); viewers are shown
 * no write button and the console refuses their writes as well.
 */
@Path("/subscriptions")
@Authenticated
public class SubscriptionsResource {

    static final List<String> CHANNELS = List.of("webhook", "slack", "email");
    static final List<String> SEVERITIES = List.of("SEV1", "SEV2", "SEV3", "SEV4");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final Pattern DELIVERY = Pattern.compile("[0-9]{1,19}");
    private static final Pattern CURSOR = Pattern.compile("[0-9]{1,19}");
    /** Deliveries per page of a subscription's log. */
    static final int PAGE = 20;

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("subscriptions.html")
    Template list;

    @Inject
    @Location("subscription.html")
    Template detail;

    @Inject
    @Location("subscription-created.html")
    Template created;

    @Inject
    @Location("subscription-delete.html")
    Template confirmDelete;

    @TemplateData
    public record Row(
            String id,
            String channel,
            String target,
            String filters,
            String description,
            String status,
            String statusReason,
            String createdAt,
            String createdBy) {

        public boolean active() {
            return "active".equals(status);
        }
    }

    @TemplateData
    public record Attempt(String attempt, String time, String statusCode, String error, String duration) {}

    @TemplateData
    public record Delivery(
            String id,
            String incidentId,
            String eventType,
            String status,
            int attempts,
            String lastStatusCode,
            String lastError,
            String createdAt,
            String deliveredAt,
            String nextAttemptAt,
            List<Attempt> attemptLog) {

        /** The notifier sends a delivered or dead one again; one still being tried it refuses (409). */
        public boolean redeliverable() {
            return "delivered".equals(status) || "dead".equals(status);
        }
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response subscriptions(
            @QueryParam("deleted") String deleted,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        ZoneId zone = ReaderZone.of(tz);
        ApiAnswer answer = apis.notifier("/api/v1/subscriptions", session.token());
        if (!answer.ok()) {
            return errors.answer(
                    headers, answer.status(), "The subscriptions could not be read", answer.problemDetail());
        }
        List<Row> rows = new ArrayList<>();
        answer.body().forEach(s -> rows.add(row(s, zone)));
        String body = list.data("session", session)
                .data("rows", rows)
                .data("deleted", deleted != null && ID.matcher(deleted).matches() ? deleted : null)
                .data("channels", CHANNELS)
                .data("severities", SEVERITIES)
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/subscriptions")
                .render();
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    /**
     * Creates a subscription and answers the page that shows its signing secret, this once: not a redirect (the
     * secret would have to travel in a URL or a cookie), and never kept by a cache or the browser's history.
     */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({"responder", "admin"})
    public Response create(
            @FormParam("channel") String channel,
            @FormParam("target") String target,
            @FormParam("services") String services,
            @FormParam("severities") List<String> severities,
            @FormParam("eventTypes") String eventTypes,
            @FormParam("description") String description,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", channel == null ? "" : channel.strip());
        body.put("target", target == null ? "" : target.strip());
        putList(body, "services", split(services));
        putList(body, "severities", severities == null ? List.of() : severities);
        putList(body, "eventTypes", split(eventTypes));
        if (description != null && !description.isBlank()) {
            body.put("description", description.strip());
        }
        ApiAnswer answer = apis.notifierPost("/api/v1/subscriptions", session.token(), body);
        if (!answer.ok()) {
            return errors.answer(headers, answer.status(), "The subscription was not created", answer.problemDetail());
        }
        JsonNode s = answer.body();
        String html = created.data("session", session)
                .data("subscription", row(s, ReaderZone.of(tz)))
                .data("secret", s.path("secret").asText(""))
                .render();
        return Response.status(201)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "no-store")
                .location(URI.create("/subscriptions/" + s.path("id").asText()))
                .entity(html)
                .build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.TEXT_HTML)
    public Response subscription(
            @PathParam("id") String id,
            @QueryParam("cursor") String cursor,
            @QueryParam("redelivered") String redelivered,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no subscription " + id + ".");
        }
        ZoneId zone = ReaderZone.of(tz);
        ApiAnswer s = apis.notifier("/api/v1/subscriptions/" + id, session.token());
        if (!s.ok()) {
            return errors.answer(headers, s.status(), "The subscription could not be read", s.problemDetail());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("subscription", id);
        params.put("cursor", cursor != null && CURSOR.matcher(cursor).matches() ? cursor : null);
        params.put("limit", Integer.toString(PAGE));
        ApiAnswer page = apis.notifier("/api/v1/deliveries" + BoardResource.query(params), session.token());
        if (!page.ok()) {
            return errors.answer(headers, page.status(), "The delivery log could not be read", page.problemDetail());
        }
        List<Delivery> deliveries = new ArrayList<>();
        page.body().path("items").forEach(d -> deliveries.add(delivery(d, zone)));
        String next = page.body().path("nextCursor").asText(null);
        String html = detail.data("session", session)
                .data("subscription", row(s.body(), zone))
                .data("deliveries", deliveries)
                .data(
                        "redelivered",
                        redelivered != null && DELIVERY.matcher(redelivered).matches() ? redelivered : null)
                .data(
                        "nextUrl",
                        next == null ? null : "/subscriptions/" + id + BoardResource.query(Map.of("cursor", next)))
                .data("firstPage", params.get("cursor") == null)
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/subscriptions/" + id)
                .render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @POST
    @Path("/{id}/enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({"responder", "admin"})
    public Response enable(@PathParam("id") String id, @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no subscription " + id + ".");
        }
        ApiAnswer answer = apis.notifierPost("/api/v1/subscriptions/" + id + "/enable", session.token(), null);
        if (!answer.ok()) {
            return errors.answer(headers, answer.status(), "The subscription was not enabled", answer.problemDetail());
        }
        return Response.seeOther(URI.create("/subscriptions/" + id)).build();
    }

    /** The confirmation step of a deletion: a page whose form does it (no script needed, none used). */
    @GET
    @Path("/{id}/delete")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({"responder", "admin"})
    public Response confirmDelete(
            @PathParam("id") String id, @CookieParam(ReaderZone.COOKIE) String tz, @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no subscription " + id + ".");
        }
        ApiAnswer s = apis.notifier("/api/v1/subscriptions/" + id, session.token());
        if (!s.ok()) {
            return errors.answer(headers, s.status(), "The subscription could not be read", s.problemDetail());
        }
        String html = confirmDelete
                .data("session", session)
                .data("subscription", row(s.body(), ReaderZone.of(tz)))
                .render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({"responder", "admin"})
    public Response delete(
            @PathParam("id") String id, @FormParam("confirm") String confirm, @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no subscription " + id + ".");
        }
        if (!"yes".equals(confirm)) {
            // Not from the confirmation page: ask there.
            return Response.seeOther(URI.create("/subscriptions/" + id + "/delete"))
                    .build();
        }
        ApiAnswer answer = apis.notifierDelete("/api/v1/subscriptions/" + id, session.token());
        if (!answer.ok()) {
            return errors.answer(headers, answer.status(), "The subscription was not deleted", answer.problemDetail());
        }
        return Response.seeOther(URI.create("/subscriptions?deleted=" + id)).build();
    }

    @POST
    @Path("/{id}/deliveries/{delivery}/redeliver")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({"responder", "admin"})
    public Response redeliver(
            @PathParam("id") String id, @PathParam("delivery") String delivery, @Context HttpHeaders headers) {
        if (!ID.matcher(id).matches() || !DELIVERY.matcher(delivery).matches()) {
            return errors.answer(headers, 404, "Not found", "There is no delivery " + delivery + ".");
        }
        ApiAnswer answer = apis.notifierPost("/api/v1/deliveries/" + delivery + "/redeliver", session.token(), null);
        if (!answer.ok()) {
            return errors.answer(
                    headers, answer.status(), "Delivery " + delivery + " was not sent again", answer.problemDetail());
        }
        return Response.seeOther(
                        URI.create("/subscriptions/" + id + "?redelivered=" + delivery + "#delivery-" + delivery))
                .build();
    }

    /** A subscription as a page shows it: its target made safe, its times in the reader's zone, never its secret. */
    static Row row(JsonNode s, ZoneId zone) {
        String channel = s.path("channel").asText("");
        List<String> filters = new ArrayList<>();
        filter(filters, "services", s.path("services"));
        filter(filters, "severities", s.path("severities"));
        filter(filters, "events", s.path("eventTypes"));
        return new Row(
                s.path("id").asText(),
                channel,
                SafeTarget.of(channel, s.path("target").asText(null)),
                filters.isEmpty() ? "every event" : String.join("; ", filters),
                s.path("description").asText(""),
                s.path("status").asText(""),
                s.path("statusReason").asText(""),
                ReaderZone.format(s.path("createdAt").asText(null), zone),
                s.path("createdBy").asText(""));
    }

    static Delivery delivery(JsonNode d, ZoneId zone) {
        List<Attempt> attempts = new ArrayList<>();
        d.path("attemptLog")
                .forEach(a -> attempts.add(new Attempt(
                        a.path("attempt").asText(),
                        ReaderZone.format(a.path("attemptedAt").asText(null), zone),
                        a.path("statusCode").isNumber() ? a.path("statusCode").asText() : "none",
                        a.path("error").asText(""),
                        a.path("durationMs").asLong() + " ms")));
        return new Delivery(
                d.path("id").asText(),
                d.path("incidentId").asText(""),
                d.path("eventType").asText(""),
                d.path("status").asText(""),
                d.path("attempts").asInt(),
                d.path("lastStatusCode").isNumber() ? d.path("lastStatusCode").asText() : "",
                d.path("lastError").asText(""),
                ReaderZone.format(d.path("createdAt").asText(null), zone),
                ReaderZone.format(d.path("deliveredAt").asText(null), zone),
                ReaderZone.format(d.path("nextAttemptAt").asText(null), zone),
                attempts);
    }

    private static void filter(List<String> out, String label, JsonNode values) {
        List<String> v = new ArrayList<>();
        values.forEach(x -> v.add(x.asText()));
        if (!v.isEmpty()) {
            out.add(label + ": " + String.join(", ", v));
        }
    }

    /** "a, b ,,c" as [a, b, c]: the form's comma-separated lists. */
    static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    private static void putList(Map<String, Object> body, String field, List<String> values) {
        if (!values.isEmpty()) {
            body.put(field, values);
        }
    }
}
