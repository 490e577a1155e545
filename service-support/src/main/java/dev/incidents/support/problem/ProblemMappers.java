package dev.incidents.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.incidents.support.json.NulRefusingJson;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Every error leaves a service as application/problem+json (RFC 9457), naming the field where there is one. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private ProblemMappers() {}

    @Provider
    public static class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {
        @Override
        public Response toResponse(ProblemException e) {
            return e.toResponse();
        }
    }

    /** Malformed JSON, wrong types and unknown enum values, with the JSON path of the field. */
    @Provider
    public static class JsonMapper implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            return fromJson(e).toResponse();
        }
    }

    /** Registered for the subtype too, so that it wins over the framework's built-in mapper for it. */
    @Provider
    public static class MismatchedInputMapper implements ExceptionMapper<MismatchedInputException> {
        @Override
        public Response toResponse(MismatchedInputException e) {
            return fromJson(e).toResponse();
        }
    }

    @Provider
    public static class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                    .sorted(Comparator.comparing(Problem.FieldError::field))
                    .toList();
            return Problem.invalid(errors).toResponse();
        }
    }

    /** Routing errors (404, 405, 406, 415) and any other status the framework raises. */
    @Provider
    public static class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException json) {
                return fromJson(json).toResponse();
            }
            Response r = e.getResponse();
            int status = r.getStatus();
            String title = r.getStatusInfo().getReasonPhrase();
            if (status >= 500) {
                LOG.error("request failed", e);
            }
            Response.ResponseBuilder b = Response.fromResponse(
                    Problem.of(status, title, e.getMessage()).toResponse());
            // Keep headers such as Retry-After or Allow that the original answer carried.
            r.getHeaders().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Type")) {
                    v.forEach(x -> b.header(k, x));
                }
            });
            return b.build();
        }
    }

    /** No credentials, or credentials that did not verify. */
    @Provider
    public static class UnauthorizedMapper implements ExceptionMapper<io.quarkus.security.UnauthorizedException> {
        @Override
        public Response toResponse(io.quarkus.security.UnauthorizedException e) {
            return unauthorized();
        }
    }

    /** Credentials that could not be checked because the database is unreachable are not wrong: 503, not 401. */
    @Provider
    public static class AuthenticationFailedMapper
            implements ExceptionMapper<io.quarkus.security.AuthenticationFailedException> {
        @Context
        ResourceInfo resource;

        @Override
        public Response toResponse(io.quarkus.security.AuthenticationFailedException e) {
            if (DatabaseUnavailable.causes(e)) {
                return databaseUnavailable(e, resource);
            }
            return unauthorized();
        }
    }

    /** Authenticated, but the role does not allow it (a viewer trying to resolve an incident). */
    @Provider
    public static class ForbiddenMapper implements ExceptionMapper<io.quarkus.security.ForbiddenException> {
        @Override
        public Response toResponse(io.quarkus.security.ForbiddenException e) {
            return Problem.of(403, "Forbidden", "your role does not allow this").toResponse();
        }
    }

    /** The database cannot be reached: 503 with Retry-After (the request's transaction rolled back). */
    static Response databaseUnavailable(Exception e, ResourceInfo resource) {
        LOG.warnf("database unavailable, answered 503: %s", rootMessage(e));
        Class<?> type = null;
        try {
            type = resource == null ? null : resource.getResourceClass();
        } catch (RuntimeException ignored) {
            // no resource matched
        }
        return DatabaseUnavailable.response(type);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    static Response unauthorized() {
        return Response.fromResponse(Problem.of(401, "Unauthorized", "a valid bearer token is required")
                        .toResponse())
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    /** The last resort: a bug. Logged with its stack, answered without it. */
    @Provider
    public static class UnexpectedMapper implements ExceptionMapper<Exception> {
        @Context
        ResourceInfo resource;

        @Override
        public Response toResponse(Exception e) {
            if (DatabaseUnavailable.causes(e)) {
                return databaseUnavailable(e, resource);
            }
            LOG.error("unexpected error", e);
            return Problem.of(500, "Internal Server Error", "unexpected error; see the service log")
                    .toResponse();
        }
    }

    static Problem fromJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            if (e instanceof UnrecognizedPropertyException) {
                if (field.equals("specversion")) {
                    // The likeliest cause by far: a structured CloudEvent sent with the wrong content type.
                    return Problem.invalid(
                            field,
                            "unknown field: a CloudEvent in structured mode is sent as application/cloudevents+json"
                                    + " (or in binary mode: the data as the body, its attributes as ce-* headers)");
                }
                return Problem.invalid(field, "unknown field");
            }
            if (e instanceof InvalidFormatException f && f.getTargetType() == String.class) {
                return Problem.invalid(field, NulRefusingJson.MESSAGE);
            }
            if (e instanceof InvalidFormatException f
                    && f.getTargetType() != null
                    && f.getTargetType().isEnum()) {
                String allowed = Arrays.stream(f.getTargetType().getEnumConstants())
                        .map(ProblemMappers::wireName)
                        .collect(Collectors.joining(", "));
                return Problem.invalid(field, "'" + f.getValue() + "' is not one of " + allowed);
            }
            String type = e instanceof MismatchedInputException mi && mi.getTargetType() != null
                    ? mi.getTargetType().getSimpleName()
                    : "value";
            return Problem.invalid(field, "expected " + article(type) + " " + type.toLowerCase());
        }
        return Problem.invalid("body", "malformed JSON: " + e.getOriginalMessage());
    }

    private static String wireName(Object enumConstant) {
        try {
            var f = enumConstant.getClass().getField(((Enum<?>) enumConstant).name());
            var p = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            return p != null ? p.value() : ((Enum<?>) enumConstant).name();
        } catch (NoSuchFieldException ex) {
            return enumConstant.toString();
        }
    }

    private static String article(String word) {
        return "aeiouAEIOU".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /** "declare.r.title" (method, parameter, field) becomes "title"; a violation of the whole body is "body". */
    private static String fieldOf(ConstraintViolation<?> v) {
        String[] parts = v.getPropertyPath().toString().split("\\.");
        if (parts.length <= 2) {
            return "body";
        }
        return String.join(".", Arrays.copyOfRange(parts, 2, parts.length));
    }
}
