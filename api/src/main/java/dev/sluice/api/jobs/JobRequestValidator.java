package dev.sluice.api.jobs;

import dev.sluice.api.problems.FieldProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one job body (a Chat Completions request plus Sluice's fields) and says everything that is
 * wrong with it, each problem with its JSON path. Fields it does not know are passed upstream unchanged.
 */
public final class JobRequestValidator {

    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> SLUICE_FIELDS = Set.of("metadata", "webhook_url", "custom_id", "cache",
            "deadline", "completion_window");
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,6})([smh])");

    private final int maxTokensCap;

    public JobRequestValidator(int maxTokensCap) {
        this.maxTokensCap = maxTokensCap;
    }

    /** The outcome: a draft when {@code problems} is empty. */
    public record Validated(JobDraft draft, List<FieldProblem> problems) {
        public boolean isValid() {
            return problems.isEmpty();
        }
    }

    public Validated validate(JsonNode body, String path, boolean customIdAllowed) {
        List<FieldProblem> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            problems.add(new FieldProblem(path.isEmpty() ? "$" : path, "must be a JSON object"));
            return new Validated(null, problems);
        }
        String prefix = path.isEmpty() ? "" : path + ".";
        checkModel(body.get("model"), prefix, problems);
        checkMessages(body.get("messages"), prefix, problems);
        checkTokenCap(body, "max_tokens", prefix, problems);
        checkTokenCap(body, "max_completion_tokens", prefix, problems);
        checkNumber(body, "temperature", 0, 2, prefix, problems);
        checkNumber(body, "top_p", 0, 1, prefix, problems);
        checkInteger(body, "n", 1, 128, prefix, problems);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull()) {
            if (!stream.isBoolean()) {
                problems.add(new FieldProblem(prefix + "stream", "must be a boolean"));
            } else if (stream.booleanValue()) {
                problems.add(new FieldProblem(prefix + "stream",
                        "streaming is not supported: Sluice is asynchronous; omit stream or set it to false and poll the job"));
            }
        }
        Map<String, String> metadata = checkMetadata(body.get("metadata"), prefix, problems);
        String webhookUrl = checkWebhookUrl(body.get("webhook_url"), prefix, problems);
        String customId = null;
        JsonNode customIdNode = body.get("custom_id");
        if (customIdNode != null && !customIdNode.isNull()) {
            if (!customIdAllowed) {
                problems.add(new FieldProblem(prefix + "custom_id", "is only allowed on jobs inside a batch"));
            } else if (!customIdNode.isString() || customIdNode.stringValue().isEmpty() || customIdNode.stringValue().length() > 512) {
                problems.add(new FieldProblem(prefix + "custom_id", "must be a string of 1 to 512 characters"));
            } else {
                customId = customIdNode.stringValue();
            }
        }
        boolean cache = true;
        JsonNode cacheNode = body.get("cache");
        if (cacheNode != null && !cacheNode.isNull()) {
            if (!cacheNode.isBoolean()) {
                problems.add(new FieldProblem(prefix + "cache", "must be a boolean (false skips the response cache)"));
            } else {
                cache = cacheNode.booleanValue();
            }
        }
        Deadline deadline = checkDeadline(body, prefix, problems);
        if (!problems.isEmpty()) {
            return new Validated(null, problems);
        }
        ObjectNode upstreamRequest = ((ObjectNode) body).deepCopy();
        upstreamRequest.remove(SLUICE_FIELDS);
        return new Validated(new JobDraft(upstreamRequest, metadata, webhookUrl, customId, cache, deadline), problems);
    }

    /** {@code deadline} (RFC 3339 time) or {@code completion_window} ("90s", "30m", "24h"), not both; at most 7 days. */
    private static Deadline checkDeadline(JsonNode body, String prefix, List<FieldProblem> problems) {
        JsonNode at = body.get("deadline");
        JsonNode window = body.get("completion_window");
        boolean hasAt = at != null && !at.isNull();
        boolean hasWindow = window != null && !window.isNull();
        if (hasAt && hasWindow) {
            problems.add(new FieldProblem(prefix + "deadline", "give either deadline or completion_window, not both"));
            return null;
        }
        if (hasAt) {
            Instant instant;
            try {
                instant = at.isString() ? OffsetDateTime.parse(at.stringValue()).toInstant() : null;
            } catch (DateTimeParseException e) {
                instant = null;
            }
            Instant now = Instant.now();
            if (instant == null) {
                problems.add(new FieldProblem(prefix + "deadline", "must be an RFC 3339 time with an offset, like 2026-11-24T12:00:00Z"));
            } else if (!instant.isAfter(now)) {
                problems.add(new FieldProblem(prefix + "deadline", "is in the past"));
            } else if (instant.isAfter(now.plus(Deadline.LONGEST_WINDOW))) {
                problems.add(new FieldProblem(prefix + "deadline", "must be at most 7 days ahead"));
            } else {
                return new Deadline(instant, null);
            }
            return null;
        }
        if (hasWindow) {
            Matcher matcher = window.isString() ? WINDOW.matcher(window.stringValue()) : null;
            if (matcher == null || !matcher.matches()) {
                problems.add(new FieldProblem(prefix + "completion_window", "must be a duration like \"90s\", \"30m\" or \"24h\""));
                return null;
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration duration = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (duration.compareTo(Deadline.LONGEST_WINDOW) > 0) {
                problems.add(new FieldProblem(prefix + "completion_window", "must be at most 7 days (168h)"));
                return null;
            }
            return new Deadline(null, duration);
        }
        return Deadline.DEFAULT;
    }

    private static void checkModel(JsonNode model, String prefix, List<FieldProblem> problems) {
        if (model == null || model.isNull()) {
            problems.add(new FieldProblem(prefix + "model", "is required"));
        } else if (!model.isString() || model.stringValue().isBlank()) {
            problems.add(new FieldProblem(prefix + "model", "must be a non-empty string"));
        }
    }

    private static void checkMessages(JsonNode messages, String prefix, List<FieldProblem> problems) {
        String field = prefix + "messages";
        if (messages == null || messages.isNull()) {
            problems.add(new FieldProblem(field, "is required"));
            return;
        }
        if (!messages.isArray()) {
            problems.add(new FieldProblem(field, "must be an array of messages"));
            return;
        }
        if (messages.isEmpty()) {
            problems.add(new FieldProblem(field, "must contain at least one message"));
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            checkMessage(messages.get(i), field + "[" + i + "]", problems);
        }
    }

    private static void checkMessage(JsonNode message, String field, List<FieldProblem> problems) {
        if (!message.isObject()) {
            problems.add(new FieldProblem(field, "must be an object with role and content"));
            return;
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isString()) {
            problems.add(new FieldProblem(field + ".role", "is required: one of " + String.join(", ", sortedRoles())));
            return;
        }
        if (!ROLES.contains(role.stringValue())) {
            problems.add(new FieldProblem(field + ".role",
                    "unknown role '" + role.stringValue() + "': use one of " + String.join(", ", sortedRoles())));
            return;
        }
        JsonNode content = message.get("content");
        boolean hasContent = content != null && !content.isNull();
        boolean callsTools = message.hasNonNull("tool_calls") || message.hasNonNull("function_call");
        if (hasContent && !content.isString() && !content.isArray()) {
            problems.add(new FieldProblem(field + ".content", "must be a string or an array of content parts"));
        } else if (!hasContent && !("assistant".equals(role.stringValue()) && callsTools)) {
            problems.add(new FieldProblem(field + ".content", "is required"));
        }
        if ("tool".equals(role.stringValue())) {
            JsonNode toolCallId = message.get("tool_call_id");
            if (toolCallId == null || !toolCallId.isString()) {
                problems.add(new FieldProblem(field + ".tool_call_id", "is required for a tool message"));
            }
        }
    }

    private static List<String> sortedRoles() {
        return ROLES.stream().sorted().toList();
    }

    private void checkTokenCap(JsonNode body, String name, String prefix, List<FieldProblem> problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || value.longValue() < 1) {
            problems.add(new FieldProblem(prefix + name, "must be a positive integer"));
        } else if (value.longValue() > maxTokensCap) {
            problems.add(new FieldProblem(prefix + name, "must be at most " + maxTokensCap + " (SLUICE_MAX_TOKENS_CAP)"));
        }
    }

    private static void checkNumber(JsonNode body, String name, double min, double max, String prefix, List<FieldProblem> problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            problems.add(new FieldProblem(prefix + name, "must be a number from " + fmt(min) + " to " + fmt(max)));
        }
    }

    private static void checkInteger(JsonNode body, String name, int min, int max, String prefix, List<FieldProblem> problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
            problems.add(new FieldProblem(prefix + name, "must be an integer from " + min + " to " + max));
        }
    }

    private static String fmt(double number) {
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }

    private static Map<String, String> checkMetadata(JsonNode metadata, String prefix, List<FieldProblem> problems) {
        Map<String, String> result = new LinkedHashMap<>();
        if (metadata == null || metadata.isNull()) {
            return result;
        }
        String field = prefix + "metadata";
        if (!metadata.isObject()) {
            problems.add(new FieldProblem(field, "must be an object of string values"));
            return result;
        }
        if (metadata.size() > 16) {
            problems.add(new FieldProblem(field, "may hold at most 16 pairs"));
        }
        for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
            if (entry.getKey().length() > 64) {
                problems.add(new FieldProblem(field + "." + entry.getKey(), "keys may be at most 64 characters"));
            }
            if (!entry.getValue().isString()) {
                problems.add(new FieldProblem(field + "." + entry.getKey(), "must be a string"));
            } else if (entry.getValue().stringValue().length() > 512) {
                problems.add(new FieldProblem(field + "." + entry.getKey(), "may be at most 512 characters"));
            } else {
                result.put(entry.getKey(), entry.getValue().stringValue());
            }
        }
        return result;
    }

    private static String checkWebhookUrl(JsonNode url, String prefix, List<FieldProblem> problems) {
        if (url == null || url.isNull()) {
            return null;
        }
        String field = prefix + "webhook_url";
        if (!url.isString()) {
            problems.add(new FieldProblem(field, "must be an http or https URL"));
            return null;
        }
        try {
            URI uri = new URI(url.stringValue());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add(new FieldProblem(field, "must be an absolute http or https URL"));
                return null;
            }
            return uri.toString();
        } catch (Exception e) {
            problems.add(new FieldProblem(field, "is not a valid URL"));
            return null;
        }
    }
}
