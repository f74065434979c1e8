package dev.sluice.worker.jobs;

import dev.sluice.common.json.SluiceJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * JSON as it is written to a jsonb column. PostgreSQL's jsonb cannot hold U+0000 (it rejects {@code \u0000} with
 * SQLState 22P05), and an upstream answer may contain it; so every U+0000, in a value or a field name, is stored as
 * U+FFFD (the replacement character). Nothing else changes.
 */
final class StoredJson {

    private static final String NUL = "\u0000";
    private static final String REPLACEMENT = "\uFFFD";

    private StoredJson() {
    }

    static String write(JsonNode node) {
        String json = SluiceJson.mapper().writeValueAsString(node);
        // Jackson always escapes U+0000 as \u0000: without that text there is nothing to replace (the usual case)
        if (!json.contains("\\u0000")) {
            return json;
        }
        return SluiceJson.mapper().writeValueAsString(withoutNul(node));
    }

    /** A copy of {@code node} with every U+0000 in strings and field names replaced by U+FFFD. */
    static JsonNode withoutNul(JsonNode node) {
        if (node.isString()) {
            String text = node.stringValue();
            return text.contains(NUL) ? JsonNodeFactory.instance.stringNode(text.replace(NUL, REPLACEMENT)) : node;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(element -> copy.add(withoutNul(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey().replace(NUL, REPLACEMENT), withoutNul(field.getValue()));
            }
            return copy;
        }
        return node;
    }
}
