package dev.sluice.api.jobs;

import dev.sluice.api.problems.FieldProblems;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * U+0000 anywhere in a body: PostgreSQL can store it neither in {@code jsonb} nor in {@code text}, so a job holding
 * one could never be written. It is refused at the door with the path of the field, in names as well as values.
 */
public final class NulCharacters {

    private NulCharacters() {
    }

    public static void check(JsonNode node, String path, FieldProblems problems) {
        if (node.isString()) {
            if (node.stringValue().indexOf('\u0000') >= 0) {
                problems.add(path, "contains the character U+0000, which Sluice cannot store; remove it");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String name = entry.getKey();
                if (name.indexOf('\u0000') >= 0) {
                    problems.add(path, "has a field name with the character U+0000, which Sluice cannot store");
                    continue;
                }
                check(entry.getValue(), path.equals("$") ? name : path + "." + name, problems);
            }
        } else if (node.isArray()) {
            for (int index = 0; index < node.size(); index++) {
                check(node.get(index), path + "[" + index + "]", problems);
            }
        }
    }
}
