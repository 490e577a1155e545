package dev.incidents.console.board;

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
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The board: incidents newest first with the list API's filters and cursor paging, and what is open per severity.
 * {@code /board/live} renders the part that changes, which the page's script fetches again on each change the live
 * stream announces; without script the page is complete, and a reload shows the news.
 */
@Path("/")
@Authenticated
public class BoardResource {

    static final List<String> STATUSES = List.of("triggered", "acknowledged", "mitigated", "resolved", "closed");
    static final List<String> SEVERITIES = List.of("SEV1", "SEV2", "SEV3", "SEV4");
    private static final int PAGE = 50;
    /** Open incidents counted per severity, in pages of 200, at most this many pages. */
    private static final int COUNT_PAGES = 5;

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("board.html")
    Template board;

    @Inject
    @Location("board-live.html")
    Template live;

    @TemplateData
    public record Row(
            String incidentId, String title, String status, String severity, String services, String startedAt) {}

    @TemplateData
    public record SeverityCount(String severity, int open, boolean more) {}

    @TemplateData
    public record Filters(String status, String severity, String service, String q, String query) {}

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response board(
            @QueryParam("status") String status,
            @QueryParam("severity") String severity,
            @QueryParam("service") String service,
            @QueryParam("q") String q,
            @QueryParam("cursor") String cursor,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @jakarta.ws.rs.core.Context HttpHeaders headers) {
        return render(board, status, severity, service, q, cursor, tz, headers);
    }

    @GET
    @Path("/board/live")
    @Produces(MediaType.TEXT_HTML)
    public Response livepart(
            @QueryParam("status") String status,
            @QueryParam("severity") String severity,
            @QueryParam("service") String service,
            @QueryParam("q") String q,
            @QueryParam("cursor") String cursor,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @jakarta.ws.rs.core.Context HttpHeaders headers) {
        return render(live, status, severity, service, q, cursor, tz, headers);
    }

    private Response render(
            Template template,
            String status,
            String severity,
            String service,
            String q,
            String cursor,
            String tz,
            HttpHeaders headers) {
        ZoneId zone = ReaderZone.of(tz);
        Filters filters = new Filters(
                oneOf(status, STATUSES),
                oneOf(severity, SEVERITIES),
                blankToNull(service),
                blankToNull(q),
                query(Map.of(
                        "status", nullToBlank(oneOf(status, STATUSES)),
                        "severity", nullToBlank(oneOf(severity, SEVERITIES)),
                        "service", nullToBlank(service),
                        "q", nullToBlank(q))));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("status", filters.status() == null ? null : filters.status());
        params.put("severity", filters.severity());
        params.put("service", filters.service());
        params.put("q", filters.q());
        params.put("cursor", blankToNull(cursor));
        params.put("limit", Integer.toString(PAGE));
        params.put("tz", zone.getId());
        ApiAnswer page = apis.query("/api/v1/incidents" + query(params), session.token());
        if (!page.ok()) {
            return errors.answer(headers, page.status(), "The incident list could not be read", page.problemDetail());
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode item : page.body().path("items")) {
            rows.add(row(item, zone));
        }
        String next = page.body().path("nextCursor").asText(null);
        String nextUrl = next == null
                ? null
                : "/"
                        + query(Map.of(
                                "status", nullToBlank(filters.status()),
                                "severity", nullToBlank(filters.severity()),
                                "service", nullToBlank(filters.service()),
                                "q", nullToBlank(filters.q()),
                                "cursor", next));
        String body = template.data("session", session)
                .data("filters", filters)
                .data("rows", rows)
                .data("nextUrl", nextUrl)
                .data("firstPage", cursor == null || cursor.isBlank())
                .data("counts", openCounts())
                .data("statuses", STATUSES)
                .data("severities", SEVERITIES)
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/" + filters.query())
                .render();
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    static Row row(JsonNode item, ZoneId zone) {
        List<String> services = new ArrayList<>();
        item.path("services").forEach(s -> services.add(s.asText()));
        return new Row(
                item.path("incidentId").asText(),
                item.path("title").asText(),
                item.path("status").asText(),
                item.path("severity").asText(),
                String.join(", ", services),
                ReaderZone.format(item.path("startedAt").asText(null), zone));
    }

    /** Open incidents per severity, from the list API (it has no count): a page of 200 at a time, at most 1000. */
    private List<SeverityCount> openCounts() {
        Map<String, Integer> open = new LinkedHashMap<>();
        SEVERITIES.forEach(s -> open.put(s, 0));
        String cursor = null;
        boolean more = false;
        for (int i = 0; i < COUNT_PAGES; i++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("status", "triggered,acknowledged,mitigated");
            params.put("limit", "200");
            params.put("cursor", cursor);
            ApiAnswer page = apis.query("/api/v1/incidents" + query(params), session.token());
            if (!page.ok()) {
                break;
            }
            page.body()
                    .path("items")
                    .forEach(item -> open.merge(item.path("severity").asText(), 1, Integer::sum));
            cursor = page.body().path("nextCursor").asText(null);
            more = cursor != null;
            if (!more) {
                break;
            }
        }
        boolean capped = more;
        return open.entrySet().stream()
                .map(e -> new SeverityCount(e.getKey(), e.getValue(), capped))
                .toList();
    }

    /** "?a=1&b=2" of the parameters that have a value, each encoded; "" for none. */
    public static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                out.append(out.isEmpty() ? '?' : '&')
                        .append(k)
                        .append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }

    private static String oneOf(String value, List<String> allowed) {
        return value != null && allowed.contains(value) ? value : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String nullToBlank(String s) {
        return s == null ? "" : s;
    }
}
