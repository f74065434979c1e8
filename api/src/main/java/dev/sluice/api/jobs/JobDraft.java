package dev.sluice.api.jobs;

import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A validated job before acceptance: the Chat Completions body to send upstream (Sluice's own fields
 * removed) and Sluice's fields; {@code cache} is false when the caller opted out of the response cache.
 */
public record JobDraft(ObjectNode request, Map<String, String> metadata, String webhookUrl, String customId,
                       boolean cache, Deadline deadline) {

    public JobDraft {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        deadline = deadline == null ? Deadline.DEFAULT : deadline;
    }
}
