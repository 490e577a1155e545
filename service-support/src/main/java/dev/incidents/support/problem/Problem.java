package dev.incidents.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code errors} names the offending request fields of a validation error.
 *
 * @param type a URI reference naming the kind of problem (relative: resolved against the service)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {}

    public static Problem invalid(String field, String message) {
        return new Problem(
                "/problems/invalid-request",
                "Invalid request",
                400,
                field + ": " + message,
                null,
                List.of(new FieldError(field, message)));
    }

    public static Problem invalid(List<FieldError> errors) {
        String detail = errors.stream()
                .map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return new Problem("/problems/invalid-request", "Invalid request", 400, detail, null, List.copyOf(errors));
    }

    /** A well-formed request that breaks a rule of the domain (422), naming the field when there is one. */
    public static Problem unprocessable(String field, String message) {
        return new Problem(
                "/problems/unprocessable",
                "Request cannot be applied",
                422,
                message,
                null,
                field == null ? null : List.of(new FieldError(field, message)));
    }

    public static Problem conflict(String message) {
        return new Problem("/problems/conflict", "Conflict with the incident's state", 409, message, null, null);
    }

    /** A write whose If-Match names a state the incident is no longer in (RFC 9110, 13.1.1). */
    public static Problem preconditionFailed(String message) {
        return new Problem(
                "/problems/precondition-failed", "The incident changed since you read it", 412, message, null, null);
    }

    public static Problem notFound(String message) {
        return new Problem("/problems/not-found", "Not found", 404, message, null, null);
    }

    /** Something the request names inside a resource that exists (an action item of an incident), naming the field. */
    public static Problem notFound(String field, String message) {
        return new Problem(
                "/problems/not-found", "Not found", 404, message, null, List.of(new FieldError(field, message)));
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("/problems/http-" + status, title, status, detail, null, null);
    }

    public Response toResponse() {
        return Response.status(status)
                .type(MediaType.valueOf(MEDIA_TYPE))
                .entity(this)
                .build();
    }
}
