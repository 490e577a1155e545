package dev.incidents.console.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The headers every answer carries, whatever wrote it. Pages load scripts, styles and images from the console
 * itself only (no CDN, no inline script), are never framed, and post forms only to the console. A signed-in page
 * holds one tenant's data: not cached, unless the answer chose otherwise (the public status page does).
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    void register(@Observes Filters filters) {
        filters.register(
                rc -> {
                    rc.addHeadersEndHandler(ignored -> {
                        MultiMap headers = rc.response().headers();
                        headers.set("X-Content-Type-Options", "nosniff");
                        headers.set("Referrer-Policy", "same-origin");
                        headers.set("Content-Security-Policy", POLICY);
                        headers.set("X-Frame-Options", "DENY");
                        if (!headers.contains(HttpHeaders.CACHE_CONTROL)
                                && !rc.normalizedPath().startsWith("/static/")) {
                            headers.set(HttpHeaders.CACHE_CONTROL, "private, no-store");
                        }
                    });
                    rc.next();
                },
                10_000);
    }
}
