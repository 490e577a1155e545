package dev.incidents.support.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What a route really answers, for the services' OpenAPI filters. The generator sees a method that returns a
 * {@code Response} and documents "200 OK" of anything, and the security checks as bare 401/403: these helpers
 * put in the route's one success status with its body, and each problem it can answer as RFC 9457
 * {@code application/problem+json} with the shared {@code Problem} schema ({@code Retry-After} where the client is
 * told to come back).
 */
public final class OpenApiAnswers {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String JSON = "application/json";

    private static final Map<Integer, String> WHY = Map.ofEntries(
            Map.entry(400, "Invalid request: the problem's errors name each offending field"),
            Map.entry(401, "No valid credentials"),
            Map.entry(403, "Authenticated, but the role (or the credential's tenant) does not allow this"),
            Map.entry(404, "Not found (another tenant's is not found either)"),
            Map.entry(406, "None of the Accept header's media types can be rendered"),
            Map.entry(409, "The current state does not allow this"),
            Map.entry(412, "If-Match names a state the incident is no longer in: read it again"),
            Map.entry(
                    413,
                    "The body is larger than the service takes (quarkus.http.limits.max-body-size); answered before any"
                            + " route, without a body"),
            Map.entry(415, "The Content-Type is not one this route takes"),
            Map.entry(422, "The Idempotency-Key was already used for a different request"),
            Map.entry(429, "Over a rate or count limit; retry after Retry-After seconds"),
            Map.entry(
                    503,
                    "Unavailable for now (the database cannot be reached, or this replica is busy, starting or"
                            + " stopping): nothing of the request was kept; retry after Retry-After seconds"),
            Map.entry(504, "The read model did not reach minSequence in time"));

    private OpenApiAnswers() {}

    /** Adds the {@code Problem} schema (RFC 9457, with the offending fields of a validation error). */
    public static void addProblemSchema(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        Schema fieldError = object(
                        properties(
                                "field", string("The request field, header or parameter, e.g. severity"),
                                "message", string("What is wrong with it")),
                        "field",
                        "message")
                .description("One offending part of the request");
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", string("A URI reference naming the kind of problem, e.g. /problems/invalid-request"));
        properties.put("title", string("A short summary of the kind of problem"));
        properties.put(
                "status",
                OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("The HTTP status"));
        properties.put("detail", string("What went wrong with this request"));
        properties.put("instance", string("A URI reference naming this occurrence"));
        properties.put(
                "errors",
                OASFactory.createSchema()
                        .addType(Schema.SchemaType.ARRAY)
                        .items(ref("ProblemFieldError"))
                        .description("For a validation error: each offending field"));
        api.getComponents()
                .addSchema("ProblemFieldError", fieldError)
                .addSchema(
                        "Problem",
                        object(properties, "type", "title", "status")
                                .description("An RFC 9457 problem detail (application/problem+json)"));
    }

    /**
     * The route's success: {@code status} with the body of {@code schema} as {@code mediaType} (no body when
     * either is null). Every other 2xx the generator guessed is removed.
     */
    public static APIResponse succeeds(Operation op, int status, String description, String mediaType, Schema schema) {
        APIResponses responses = responses(op);
        for (String code : new ArrayList<>(responses.getAPIResponses().keySet())) {
            if (code.startsWith("2") && !code.equals(Integer.toString(status))) {
                responses.removeAPIResponse(code);
            }
        }
        APIResponse response = responses.getAPIResponse(Integer.toString(status));
        // An example another filter put on this answer stays.
        Object example = response == null
                        || response.getContent() == null
                        || mediaType == null
                        || response.getContent().getMediaType(mediaType) == null
                ? null
                : response.getContent().getMediaType(mediaType).getExample();
        response = OASFactory.createAPIResponse().description(description);
        if (mediaType != null && schema != null) {
            MediaType media = OASFactory.createMediaType().schema(schema);
            if (example != null) {
                media.setExample(example);
            }
            response.setContent(OASFactory.createContent().addMediaType(mediaType, media));
        }
        responses.addAPIResponse(Integer.toString(status), response);
        return response;
    }

    /** Each status as a problem, with the usual description of it (413 has no body: the HTTP layer answers it). */
    public static void problems(Operation op, int... statuses) {
        for (int status : statuses) {
            if (status == 413) {
                responses(op)
                        .addAPIResponse("413", OASFactory.createAPIResponse().description(WHY.get(413)));
            } else {
                problem(op, status, WHY.getOrDefault(status, "Problem " + status));
            }
        }
    }

    /** One problem the route can answer; 429 and 503 carry Retry-After. */
    public static APIResponse problem(Operation op, int status, String description) {
        return answer(op, status, description, PROBLEM_JSON, ref("Problem"));
    }

    /** An error in a shape of the route's own (PagerDuty's), not a problem; 429 and 503 carry Retry-After. */
    public static APIResponse answer(Operation op, int status, String description, String mediaType, Schema schema) {
        APIResponse response = OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent()
                        .addMediaType(mediaType, OASFactory.createMediaType().schema(schema)));
        if (status == 429 || status == 503) {
            response.addHeader(
                    "Retry-After",
                    OASFactory.createHeader()
                            .description("Seconds to wait before retrying")
                            .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)));
        }
        responses(op).addAPIResponse(Integer.toString(status), response);
        return response;
    }

    /** Turns the bare 4xx answers the generator put in (400 of a validated body, 401, 403) into problems. */
    public static void generatedErrorsAsProblems(Operation op) {
        for (String code : new ArrayList<>(responses(op).getAPIResponses().keySet())) {
            if (code.startsWith("4") || code.startsWith("5")) {
                problems(op, Integer.parseInt(code));
            }
        }
    }

    /** Orders the answers by status, so that a reader finds the success first. */
    public static void sortResponses(Operation op) {
        if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
            op.getResponses().setAPIResponses(new TreeMap<>(op.getResponses().getAPIResponses()));
        }
    }

    /** The body may be left out (no Content-Type needed then). */
    public static void optionalBody(Operation op) {
        if (op.getRequestBody() != null) {
            op.getRequestBody().setRequired(false);
        }
    }

    public static Schema ref(String schemaName) {
        return OASFactory.createSchema().ref("#/components/schemas/" + schemaName);
    }

    public static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }

    public static Schema integer(String description) {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.INTEGER)
                .format("int64")
                .description(description);
    }

    /** An object of these properties (in this order), the named ones required. */
    public static Schema object(Map<String, Schema> properties, String... required) {
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT);
        properties.forEach(schema::addProperty);
        if (required.length > 0) {
            schema.setRequired(List.of(required));
        }
        return schema;
    }

    /** Properties in the order given: name, schema, name, schema... */
    public static Map<String, Schema> properties(Object... nameThenSchema) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSchema.length; i += 2) {
            properties.put((String) nameThenSchema[i], (Schema) nameThenSchema[i + 1]);
        }
        return properties;
    }

    private static APIResponses responses(Operation op) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        return op.getResponses();
    }
}
