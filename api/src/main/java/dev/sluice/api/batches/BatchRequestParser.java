package dev.sluice.api.batches;

import dev.sluice.api.jobs.JobDraft;
import dev.sluice.api.jobs.JobRequestValidator;
import dev.sluice.api.problems.FieldProblem;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code {"jobs": [...], "metadata": {...}, "webhook_url": ...}} all or nothing: every bad entry
 * is reported by its index, and one bad entry rejects the whole batch.
 */
public final class BatchRequestParser {

    public record BatchDraft(List<JobDraft> jobs, Map<String, String> metadata, String webhookUrl) {
    }

    public record Parsed(Optional<BatchDraft> batch, List<FieldProblem> problems) {
    }

    private final JobRequestValidator validator;
    private final int maxJobs;

    public BatchRequestParser(JobRequestValidator validator, int maxJobs) {
        this.validator = validator;
        this.maxJobs = maxJobs;
    }

    public Parsed parse(JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        if (!body.isObject()) {
            return failed(new FieldProblem("$", "must be a JSON object with a jobs array"));
        }
        JsonNode jobs = body.get("jobs");
        if (jobs == null || !jobs.isArray()) {
            return failed(new FieldProblem("jobs", "is required: an array of job bodies"));
        }
        if (jobs.isEmpty()) {
            return failed(new FieldProblem("jobs", "must contain at least one job"));
        }
        if (jobs.size() > maxJobs) {
            return failed(new FieldProblem("jobs", "holds " + jobs.size() + " jobs; a batch may hold at most " + maxJobs));
        }
        Map<String, String> metadata = readBatchFields(body, problems);
        String webhookUrl = body.hasNonNull("webhook_url") && body.get("webhook_url").isString()
                ? body.get("webhook_url").stringValue() : null;
        List<JobDraft> drafts = new ArrayList<>(jobs.size());
        Map<String, Integer> customIds = new HashMap<>();
        for (int index = 0; index < jobs.size(); index++) {
            JobRequestValidator.Validated validated = validator.validate(jobs.get(index), "jobs[" + index + "]", true);
            problems.addAll(validated.problems());
            if (validated.isValid()) {
                JobDraft draft = validated.draft();
                if (draft.customId() != null) {
                    Integer first = customIds.putIfAbsent(draft.customId(), index);
                    if (first != null) {
                        problems.add(new FieldProblem("jobs[" + index + "].custom_id",
                                "'" + draft.customId() + "' is already used by jobs[" + first + "]; custom_id must be unique within a batch"));
                    }
                }
                drafts.add(draft);
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed(Optional.empty(), problems);
        }
        return new Parsed(Optional.of(new BatchDraft(drafts, metadata, webhookUrl)), problems);
    }

    /** The batch-level metadata and webhook_url follow the same rules as a job's. */
    private Map<String, String> readBatchFields(JsonNode body, List<FieldProblem> problems) {
        var probe = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        probe.put("model", "probe");
        probe.putArray("messages").addObject().put("role", "user").put("content", "probe");
        if (body.has("metadata")) {
            probe.set("metadata", body.get("metadata"));
        }
        if (body.has("webhook_url")) {
            probe.set("webhook_url", body.get("webhook_url"));
        }
        JobRequestValidator.Validated validated = validator.validate(probe, "", false);
        problems.addAll(validated.problems());
        return validated.isValid() ? new LinkedHashMap<>(validated.draft().metadata()) : Map.of();
    }

    private static Parsed failed(FieldProblem problem) {
        return new Parsed(Optional.empty(), List.of(problem));
    }
}
