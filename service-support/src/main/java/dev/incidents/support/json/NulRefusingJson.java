package dev.incidents.support.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Map;

/**
 * PostgreSQL's text and jsonb cannot hold the NUL character ({@code \u0000}): every string and map key of a
 * request body that carries one is refused while reading it, as a 400 naming the field, before anything is
 * stored.
 */
@Singleton
public class NulRefusingJson implements ObjectMapperCustomizer {

    public static final String MESSAGE = "must not contain the NUL character";

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("nul-refusing");
        module.addDeserializer(String.class, new Strings());
        module.addKeyDeserializer(String.class, new Keys());
        mapper.registerModule(module);
    }

    /** The JSON pointer of the first string or field name holding a NUL in a tree read by hand, or null. */
    public static String nulIn(JsonNode node) {
        return nulIn(node, "");
    }

    private static String nulIn(JsonNode node, String at) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\u0000') >= 0 ? at : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulIn(node.get(i), at + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        for (var it = node.fields(); node.isObject() && it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = at + "/" + field.getKey();
            String found = field.getKey().indexOf('\u0000') >= 0 ? path : nulIn(field.getValue(), path);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static final class Strings extends StdScalarDeserializer<String> {
        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (value != null && value.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(p, MESSAGE, value, String.class);
            }
            return value;
        }
    }

    static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            if (key.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(ctxt.getParser(), MESSAGE, key, String.class);
            }
            return key;
        }
    }
}
