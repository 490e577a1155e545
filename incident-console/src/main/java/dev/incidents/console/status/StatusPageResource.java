package dev.incidents.console.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidents.console.ConsoleConfig;
import dev.incidents.console.api.ApiAnswer;
import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.http.ErrorPages;
import dev.incidents.console.prefs.ReaderZone;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Each tenant's public status page and its Atom feed, without sign-in: what the query service's public status read
 * answers (public status updates only; an internal one never reaches the console). Kept a few seconds, so that a
 * crowd of readers during an outage costs the query service one read per tenant.
 */
@Path("/status/{tenant}")
@PermitAll
public class StatusPageResource {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** Tenants whose answer is kept at once; beyond, the oldest are forgotten. */
    private static final int KEPT_TENANTS = 1000;

    @Inject
    ServiceApis apis;

    @Inject
    ConsoleConfig config;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("status.html")
    Template page;

    @Inject
    @Location("feed.xml")
    Template feed;

    private record Kept(JsonNode status, long until) {}

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    @TemplateData
    public record Update(String postedAt, String postedAtIso, String status, String message) {}

    @TemplateData
    public record PublicIncident(
            String publicId,
            String name,
            String status,
            String impact,
            String services,
            String startedAt,
            String resolvedAt,
            boolean open,
            List<Update> updates) {}

    @TemplateData
    public record FeedEntry(PublicIncident incident, Update update) {}

    @TemplateData
    public record ServiceState(String name, String state, String label) {}

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(
            @PathParam("tenant") String tenant,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        JsonNode status = read(tenant);
        if (status == null) {
            return errors.answer(headers, 404, "Not found", "There is no status page here.");
        }
        ZoneId zone = ReaderZone.of(tz);
        List<PublicIncident> incidents = incidents(status, zone);
        String html = page.data("tenant", tenant)
                .data("services", services(status))
                .data("open", incidents.stream().filter(PublicIncident::open).toList())
                .data("history", incidents.stream().filter(i -> !i.open()).toList())
                .data("windowDays", status.path("windowDays").asInt(90))
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/status/" + tenant)
                .render();
        // Per reader (the time-zone cookie, the form's CSRF token): a browser may keep it, a shared cache may not.
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "private, max-age=10")
                .build();
    }

    @GET
    @Path("/feed.atom")
    @Produces("application/atom+xml")
    public Response atom(@PathParam("tenant") String tenant, @Context HttpHeaders headers) {
        JsonNode status = read(tenant);
        if (status == null) {
            return errors.answer(headers, 404, "Not found", "There is no status feed here.");
        }
        List<PublicIncident> incidents = incidents(status, java.time.ZoneOffset.UTC);
        List<FeedEntry> entries = new ArrayList<>();
        for (PublicIncident i : incidents) {
            for (Update u : i.updates()) {
                entries.add(new FeedEntry(i, u));
            }
        }
        // Newest first; the times are UTC ISO-8601, so their text sorts as they do.
        entries.sort((a, b) -> b.update().postedAtIso().compareTo(a.update().postedAtIso()));
        String updated = entries.isEmpty()
                ? status.path("generatedAt").asText()
                : entries.get(0).update().postedAtIso();
        String xml = feed.data("tenant", tenant)
                .data("updated", updated)
                .data("entries", entries)
                .render();
        return Response.ok(xml, "application/atom+xml; charset=utf-8")
                .header("Cache-Control", "public, max-age=10")
                .build();
    }

    /** The tenant's public status, from the query service or kept from a moment ago; null for no such tenant name. */
    private JsonNode read(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            return null;
        }
        long now = System.nanoTime();
        Kept k = kept.get(tenant);
        if (k != null && now - k.until() < 0) {
            return k.status();
        }
        ApiAnswer answer = apis.query("/api/v1/public/status/" + tenant, null);
        if (answer.status() == 404) {
            return null;
        }
        if (!answer.ok()) {
            throw new dev.incidents.console.api.ServiceUnavailable(
                    "query service", new IllegalStateException("HTTP " + answer.status()));
        }
        if (kept.size() >= KEPT_TENANTS) {
            // Only what expired goes: a caller inventing tenant names cannot flush the pages real tenants are read at.
            kept.values().removeIf(old -> now - old.until() >= 0);
        }
        if (kept.size() < KEPT_TENANTS) {
            kept.put(tenant, new Kept(answer.body(), now + config.statusCache().toNanos()));
        }
        return answer.body();
    }

    private static List<ServiceState> services(JsonNode status) {
        List<ServiceState> out = new ArrayList<>();
        status.path("services").forEach(s -> {
            String state = s.path("state").asText();
            out.add(new ServiceState(s.path("name").asText(), state, label(state)));
        });
        return out;
    }

    private static String label(String state) {
        return switch (state) {
            case "major_outage" -> "Major outage";
            case "partial_outage" -> "Partial outage";
            case "degraded" -> "Degraded performance";
            default -> "Operational";
        };
    }

    private static List<PublicIncident> incidents(JsonNode status, ZoneId zone) {
        List<PublicIncident> out = new ArrayList<>();
        for (JsonNode i : status.path("incidents")) {
            List<Update> updates = new ArrayList<>();
            i.path("updates")
                    .forEach(u -> updates.add(new Update(
                            ReaderZone.format(u.path("postedAt").asText(null), zone),
                            u.path("postedAt").asText(),
                            u.path("status").asText(),
                            u.path("message").asText())));
            List<String> services = new ArrayList<>();
            i.path("services").forEach(s -> services.add(s.asText()));
            String st = i.path("status").asText();
            out.add(new PublicIncident(
                    i.path("publicId").asText(),
                    i.path("name").asText(),
                    st,
                    i.path("impact").asText(),
                    String.join(", ", services),
                    ReaderZone.format(i.path("startedAt").asText(null), zone),
                    ReaderZone.format(i.path("resolvedAt").asText(null), zone),
                    !"resolved".equals(st) && !"closed".equals(st),
                    updates));
        }
        return out;
    }
}
