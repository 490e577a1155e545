package dev.incidents.support.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The headers every answer of every service carries, set in one place when the answer's headers are written (so
 * whatever wrote it: a resource, an exception mapper, the framework's own error pages).
 *
 * <ul>
 *   <li>Every answer: {@code X-Content-Type-Options: nosniff}, so a browser never reads JSON or Markdown holding
 *       user text as HTML or script.</li>
 *   <li>HTML (the postmortem page, or an error page): a Content-Security-Policy that runs no script, loads
 *       nothing, allows inline styles only and no framing; and, unless the answer chose one, Cache-Control
 *       {@code private, no-store}: it is one tenant's data. The framework's own tools under {@code /q/} (Swagger UI,
 *       Dev UI, in dev mode) need scripts and keep their own headers.</li>
 * </ul>
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String HTML_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    public static final String HTML_CACHE = "private, no-store";

    /** Before the framework's own routes and the REST resources. */
    private static final int PRIORITY = 10_000;

    void register(@Observes Filters filters) {
        filters.register(
                rc -> {
                    rc.addHeadersEndHandler(ignored -> {
                        MultiMap headers = rc.response().headers();
                        headers.set("X-Content-Type-Options", "nosniff");
                        String type = headers.get(HttpHeaders.CONTENT_TYPE);
                        if (type != null
                                && type.regionMatches(true, 0, "text/html", 0, 9)
                                && !rc.normalizedPath().startsWith("/q/")) {
                            headers.set("Content-Security-Policy", HTML_POLICY);
                            if (!headers.contains(HttpHeaders.CACHE_CONTROL)) {
                                headers.set(HttpHeaders.CACHE_CONTROL, HTML_CACHE);
                            }
                        }
                    });
                    rc.next();
                },
                PRIORITY);
    }
}
