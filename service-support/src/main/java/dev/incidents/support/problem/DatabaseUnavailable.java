package dev.incidents.support.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Recognises "the database cannot be reached right now" anywhere in an exception's causes: no connection could
 * be acquired in time (Agroal), a connection that broke ({@link SQLTransientConnectionException}, SQLState class
 * 08), or a server shutting down or starting ({@code 57P01}, {@code 57P02}, {@code 57P03}). Such a request is
 * answered 503 with {@code Retry-After} ({@code incidents.database-unavailable.retry-after}, seconds, default 5):
 * every integration client retries that, and the request's transaction was rolled back, so nothing of it is kept.
 */
public final class DatabaseUnavailable {

    public static final String RETRY_AFTER_PROPERTY = "incidents.database-unavailable.retry-after";

    /**
     * On a resource that renders its own error bodies (PagerDuty's Events API): the JSON body to answer with
     * instead of a problem, when the database is unavailable.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Body {
        String value();
    }

    private DatabaseUnavailable() {}

    /**
     * True when the failure, any of its causes, or any exception suppressed along them says the database cannot be
     * reached now. Suppressed ones count: when a commit fails because the connection broke, Narayana throws a
     * RollbackException and hangs the driver's error on it as suppressed, not as its cause.
     */
    public static boolean causes(Throwable failure) {
        return causes(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean causes(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (saysUnreachable(t)) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (causes(suppressed, seen)) {
                return true;
            }
        }
        return causes(t.getCause(), seen);
    }

    private static boolean saysUnreachable(Throwable t) {
        if (t instanceof SQLTransientConnectionException) {
            return true;
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null
                    && (state.startsWith("08")
                            || state.equals("57P01")
                            || state.equals("57P02")
                            || state.equals("57P03"))) {
                return true;
            }
            // Agroal's "Acquisition timeout while waiting for new connection" carries no SQLState.
            String message = sql.getMessage();
            return state == null
                    && message != null
                    && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
        }
        return false;
    }

    public static int retryAfterSeconds() {
        try {
            return ConfigProvider.getConfig()
                    .getOptionalValue(RETRY_AFTER_PROPERTY, Integer.class)
                    .orElse(5);
        } catch (RuntimeException e) {
            return 5;
        }
    }

    /** The 503 answer: a problem, or the resource's own body when it declares one. */
    static Response response(Class<?> resource) {
        int retryAfter = retryAfterSeconds();
        Body own = resource == null ? null : resource.getAnnotation(Body.class);
        Response.ResponseBuilder b = own != null
                ? Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).entity(own.value())
                : Response.fromResponse(new Problem(
                                "/problems/database-unavailable",
                                "Service Unavailable",
                                503,
                                "the database cannot be reached; nothing of this request was kept, retry after "
                                        + retryAfter + " s",
                                null,
                                null)
                        .toResponse());
        return b.header("Retry-After", Integer.toString(retryAfter)).build();
    }
}
