package dev.incidents.command.log;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds every request body at the edge: 1 MiB ({@code incidents.http.max-body-size}) for every path but the import
 * of a log, which is streamed and may be as large as {@code incidents.import.max-body-size} (Quarkus's own limit,
 * {@code quarkus.http.limits.max-body-size}, is set to that). Only the exact import path gets the larger limit: any
 * other spelling of it gets the small one.
 *
 * <p>Runs right after Quarkus's own limit handler: a declared length over the limit is answered 413 at once, as
 * Quarkus does; a chunked body is bounded where it is read, by the same request attribute Quarkus sets.
 */
@ApplicationScoped
public class RequestBodyLimits {

    static final String IMPORT_PATH = "/api/v1/import";

    /** The request attribute that Quarkus's streamed body readers check ({@code VertxHttpRecorder}). */
    private static final String MAX_REQUEST_SIZE = "io.quarkus.max-request-size";

    @ConfigProperty(name = "incidents.http.max-body-size", defaultValue = "1M")
    MemorySize requestLimit;

    void narrow(@Observes Router router) {
        long limit = requestLimit.asLongValue();
        Long limitObject = limit;
        router.route().order(-1).handler(rc -> {
            if (IMPORT_PATH.equals(rc.request().path())) {
                rc.next();
                return;
            }
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredOver(length, limit)) {
                rc.response()
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .setStatusCode(413)
                        .end();
                return;
            }
            rc.put(MAX_REQUEST_SIZE, limitObject);
            rc.next();
        });
    }

    private static boolean declaredOver(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP codec refuses a malformed length itself
        }
    }
}
