package dev.incidents.console.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidents.console.api.ApiAnswer;
import dev.incidents.console.api.ServiceApis;
import dev.incidents.console.board.BoardResource;
import dev.incidents.console.http.ErrorPages;
import dev.incidents.console.prefs.ReaderZone;
import dev.incidents.console.session.Session;
import io.quarkus.qute.Location;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean times to detect, acknowledge, mitigate and resolve over the incidents started in a range of days (in the
 * reader's zone; the last twelve weeks unless chosen), as the query service's metrics API computes them: overall, a
 * weekly trend drawn as an SVG chart on the server ({@link TrendChart}), and tables by service, severity and
 * detection source. Every figure says how many incidents it covers; an incident without the milestone is not in it.
 */
@Path("/metrics")
@Authenticated
public class MetricsResource {

    /** The longest range a page shows: two years of weeks. */
    static final long MAX_DAYS = 731;

    static final int DEFAULT_WEEKS = 12;

    /** The four measures, as the API names them, and as the page does. */
    static final Map<String, String> MEASURES = measures();

    @Inject
    ServiceApis apis;

    @Inject
    Session session;

    @Inject
    ErrorPages errors;

    @Inject
    @Location("metrics.html")
    Template page;

    /** A mean as shown, and the incidents it covers. */
    @TemplateData
    public record Cell(String value, long incidents) {}

    @TemplateData
    public record Row(String key, long incidents, List<Cell> cells) {}

    @TemplateData
    public record Table(String id, String caption, String keyLabel, List<Row> rows) {}

    @TemplateData
    public record Headline(String id, String label, String value, long incidents) {}

    @TemplateData
    public record Range(String from, String to, String zone) {}

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response metrics(
            @QueryParam("from") String fromParam,
            @QueryParam("to") String toParam,
            @CookieParam(ReaderZone.COOKIE) String tz,
            @Context HttpHeaders headers) {
        ZoneId zone = ReaderZone.of(tz);
        LocalDate today = LocalDate.now(zone);
        LocalDate to = date(toParam, today);
        LocalDate from = date(
                fromParam, to.minusWeeks(DEFAULT_WEEKS - 1).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
        if (from.isAfter(to)) {
            LocalDate swap = from;
            from = to;
            to = swap;
        }
        if (ChronoUnit.DAYS.between(from, to) > MAX_DAYS) {
            from = to.minusDays(MAX_DAYS);
        }
        Map<String, String> range = new LinkedHashMap<>();
        range.put("from", from.atStartOfDay(zone).toOffsetDateTime().toString());
        // The API's "to" is exclusive: the day after the last day shown.
        range.put("to", to.plusDays(1).atStartOfDay(zone).toOffsetDateTime().toString());

        ApiAnswer overall = read(range, null, null);
        if (!overall.ok()) {
            return errors.answer(headers, overall.status(), "The metrics could not be read", overall.problemDetail());
        }
        ApiAnswer weeks = read(range, "week", zone);
        if (!weeks.ok()) {
            return errors.answer(headers, weeks.status(), "The trend could not be read", weeks.problemDetail());
        }
        List<Table> tables = new ArrayList<>();
        for (String[] g : new String[][] {
            {"service", "By service", "Service"},
            {"severity", "By severity", "Severity"},
            {"detectionSource", "By detection source", "Detection"}
        }) {
            ApiAnswer answer = read(range, g[0], null);
            if (!answer.ok()) {
                return errors.answer(headers, answer.status(), "The metrics could not be read", answer.problemDetail());
            }
            tables.add(table("by-" + g[0], g[1], g[2], answer.body()));
        }
        Table byWeek = table("by-week", "By week (the chart's figures)", "Week", weeks.body());
        String body = page.data("session", session)
                .data("headlines", headlines(overall.body()))
                .data("chart", new RawString(chart(weeks.body())))
                .data("byWeek", byWeek)
                .data("tables", tables)
                .data("measures", List.copyOf(MEASURES.values()))
                .data("range", new Range(from.toString(), to.toString(), zone.getId()))
                .data("zone", zone.getId())
                .data("zones", ReaderZone.COMMON)
                .data("back", "/metrics" + BoardResource.query(Map.of("from", from.toString(), "to", to.toString())))
                .render();
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    private ApiAnswer read(Map<String, String> range, String groupBy, ZoneId zone) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("groupBy", groupBy);
        params.putAll(range);
        params.put("tz", zone == null ? null : zone.getId());
        return apis.query("/api/v1/metrics" + BoardResource.query(params), session.token());
    }

    static String chart(JsonNode weeks) {
        List<String> periods = new ArrayList<>();
        weeks.path("groups").forEach(g -> periods.add(g.path("key").asText()));
        List<TrendChart.Series> series = new ArrayList<>();
        MEASURES.forEach((measure, label) -> {
            List<TrendChart.Point> points = new ArrayList<>();
            weeks.path("groups").forEach(g -> {
                JsonNode f = g.path(measure);
                points.add(new TrendChart.Point(
                        f.path("meanSeconds").isNumber() ? f.path("meanSeconds").asDouble() : null,
                        f.path("incidents").asLong()));
            });
            series.add(new TrendChart.Series(measure, label, points));
        });
        return TrendChart.svg("trend", "Mean times by week", periods, series);
    }

    static Table table(String id, String caption, String keyLabel, JsonNode answer) {
        List<Row> rows = new ArrayList<>();
        answer.path("groups").forEach(g -> {
            List<Cell> cells = new ArrayList<>();
            MEASURES.keySet().forEach(m -> cells.add(cell(g.path(m))));
            rows.add(new Row(g.path("key").asText(""), g.path("incidents").asLong(), cells));
        });
        return new Table(id, caption, keyLabel, rows);
    }

    static List<Headline> headlines(JsonNode overall) {
        JsonNode all = overall.path("groups").path(0);
        List<Headline> out = new ArrayList<>();
        MEASURES.forEach((m, label) -> {
            Cell c = cell(all.path(m));
            out.add(new Headline(m, label, c.value(), c.incidents()));
        });
        return out;
    }

    private static Cell cell(JsonNode figure) {
        Double mean = figure.path("meanSeconds").isNumber()
                ? figure.path("meanSeconds").asDouble()
                : null;
        return new Cell(Durations.human(mean), figure.path("incidents").asLong());
    }

    private static LocalDate date(String value, LocalDate otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeException e) {
            return otherwise;
        }
    }

    private static Map<String, String> measures() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mttd", "MTTD");
        m.put("mtta", "MTTA");
        m.put("mttm", "MTTM");
        m.put("mttr", "MTTR");
        return java.util.Collections.unmodifiableMap(m);
    }
}
