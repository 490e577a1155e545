package dev.incidents.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a custom resource against its CRD's structural schema (openAPIV3Schema) the way the API server would,
 * and stricter in one respect: a field the schema does not declare is an error, not silently pruned, unless the
 * schema says to keep unknown fields ({@code x-kubernetes-preserve-unknown-fields}) or allows any
 * ({@code additionalProperties}). Types, required fields, enums, int-or-string and nullable are checked.
 */
final class StructuralSchema {

    private StructuralSchema() {}

    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", errors);
        return errors;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                errors.add(path + ": null is not allowed");
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(path + ": must be an integer or a string, is " + value.getNodeType());
            }
            return;
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            // Structural schemas only use these for value validation of already-typed nodes: check the type part.
            if (schema.has(combinator) && !schema.has("type") && !schema.has("properties")) {
                return;
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> object(schema, value, path, errors);
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": must be an array, is " + value.getNodeType());
                } else if (schema.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": must be a string, is " + value.getNodeType() + " (" + value + ")");
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": must be an integer, is " + value.getNodeType() + " (" + value + ")");
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(path + ": must be a number, is " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(path + ": must be a boolean, is " + value.getNodeType() + " (" + value + ")");
                }
            }
            default -> {
                if (schema.has("properties")) {
                    object(schema, value, path, errors);
                }
            }
        }
        if (schema.has("enum") && value.isValueNode()) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value)
                        || (allowed.isTextual() && allowed.asText().equals(value.asText()));
            }
            if (!listed) {
                errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
    }

    private static void object(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (!value.isObject()) {
            errors.add(path + ": must be an object, is " + value.getNodeType() + " (" + value + ")");
            return;
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserveUnknown =
                schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                errors.add(path + ": required field '" + required.asText() + "' is missing");
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String at = path + "." + f.getKey();
            if (properties != null && properties.has(f.getKey())) {
                check(properties.get(f.getKey()), f.getValue(), at, errors);
            } else if (additional != null && additional.isObject()) {
                check(additional, f.getValue(), at, errors);
            } else if ((additional != null && additional.asBoolean(false))
                    || preserveUnknown
                    || (properties == null && additional == null)) {
                // free-form: a map without a declared shape
            } else {
                errors.add(at + ": unknown field");
            }
        }
    }
}
