package dev.sluice.api.jobs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.common.webhooks.WebhookTargetGuard;
import java.time.Duration;
import java.util.Optional;

import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.FieldProblems;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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

    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]*");

    private final JobLimits limits;
    private final ServedModels models;
    private final WebhookTargetGuard webhookTargets;
    /** A host's verdict for a while, so a batch of 50,000 jobs with one webhook host resolves it once. */
    private final Cache<String, Optional<String>> webhookVerdicts = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(30)).maximumSize(10_000).build();

    public JobRequestValidator(JobLimits limits, ServedModels models, WebhookTargetGuard webhookTargets) {
        this.limits = limits;
        this.models = models;
        this.webhookTargets = webhookTargets;
    }

    /** With default caps, any well-formed model name and no private webhook networks: for tests and tools. */
    public JobRequestValidator(int maxTokensCap) {
        this(JobLimits.defaults(maxTokensCap), ServedModels.ANY, WebhookTargetGuard.allowing(""));
    }

    /**
     * An absolute http(s) URL without user information whose host resolves to no refused address (loopback, private,
     * link-local, metadata…; see {@link WebhookTargetGuard}). A host that does not resolve now is accepted: the check
     * before every delivery decides then.
     */
    public String checkWebhookUrl(JsonNode url, String prefix, FieldProblems problems) {
        String checked = checkWebhookUrl(url, prefix, problems, limits.maxWebhookUrlLength());
        if (checked == null) {
            return null;
        }
        String host = java.net.URI.create(checked).getHost();
        Optional<String> refusal = webhookVerdicts.get(host.toLowerCase(java.util.Locale.ROOT),
                ignored -> webhookTargets.refusalAtSubmit(checked));
        if (refusal.isPresent()) {
            problems.add(prefix + "webhook_url", refusal.get());
            return null;
        }
        return checked;
    }

    /** The outcome: a draft when {@code problems} is empty. */
    public record Validated(JobDraft draft, FieldProblems found) {
        public boolean isValid() {
            return found.isEmpty();
        }

        public List<FieldProblem> problems() {
            return found.list();
        }
    }

    public Validated validate(JsonNode body, String path, boolean customIdAllowed) {
        FieldProblems problems = new FieldProblems();
        if (body == null || !body.isObject()) {
            problems.add(path.isEmpty() ? "$" : path, "must be a JSON object");
            return new Validated(null, problems);
        }
        String prefix = path.isEmpty() ? "" : path + ".";
        NulCharacters.check(body, path.isEmpty() ? "$" : path, problems);
        if (!problems.isEmpty()) {
            return new Validated(null, problems);
        }
        checkModel(body.get("model"), prefix, problems);
        checkMessages(body.get("messages"), prefix, problems);
        checkTokenCap(body, "max_tokens", prefix, problems);
        checkTokenCap(body, "max_completion_tokens", prefix, problems);
        checkNumber(body, "temperature", 0, 2, prefix, problems);
        checkNumber(body, "top_p", 0, 1, prefix, problems);
        checkInteger(body, "n", 1, limits.maxN(), prefix, problems);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull()) {
            if (!stream.isBoolean()) {
                problems.add(prefix + "stream", "must be a boolean");
            } else if (stream.booleanValue()) {
                problems.add(prefix + "stream",
                        "streaming is not supported: Sluice is asynchronous; omit stream or set it to false and poll the job");
            }
        }
        Map<String, String> metadata = checkMetadata(body.get("metadata"), prefix, problems);
        String webhookUrl = checkWebhookUrl(body.get("webhook_url"), prefix, problems);
        String customId = null;
        JsonNode customIdNode = body.get("custom_id");
        if (customIdNode != null && !customIdNode.isNull()) {
            if (!customIdAllowed) {
                problems.add(prefix + "custom_id", "is only allowed on jobs inside a batch");
            } else if (!customIdNode.isString() || customIdNode.stringValue().isEmpty()
                    || customIdNode.stringValue().length() > limits.maxCustomIdLength()) {
                problems.add(prefix + "custom_id", "must be a string of 1 to " + limits.maxCustomIdLength() + " characters");
            } else {
                customId = customIdNode.stringValue();
            }
        }
        boolean cache = true;
        JsonNode cacheNode = body.get("cache");
        if (cacheNode != null && !cacheNode.isNull()) {
            if (!cacheNode.isBoolean()) {
                problems.add(prefix + "cache", "must be a boolean (false skips the response cache)");
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
    private static Deadline checkDeadline(JsonNode body, String prefix, FieldProblems problems) {
        JsonNode at = body.get("deadline");
        JsonNode window = body.get("completion_window");
        boolean hasAt = at != null && !at.isNull();
        boolean hasWindow = window != null && !window.isNull();
        if (hasAt && hasWindow) {
            problems.add(prefix + "deadline", "give either deadline or completion_window, not both");
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
                problems.add(prefix + "deadline", "must be an RFC 3339 time with an offset, like 2026-11-24T12:00:00Z");
            } else if (!instant.isAfter(now)) {
                problems.add(prefix + "deadline", "is in the past");
            } else if (instant.isAfter(now.plus(Deadline.LONGEST_WINDOW))) {
                problems.add(prefix + "deadline", "must be at most 7 days ahead");
            } else {
                return new Deadline(instant, null);
            }
            return null;
        }
        if (hasWindow) {
            Matcher matcher = window.isString() ? WINDOW.matcher(window.stringValue()) : null;
            if (matcher == null || !matcher.matches()) {
                problems.add(prefix + "completion_window", "must be a duration like \"90s\", \"30m\" or \"24h\"");
                return null;
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration duration = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (duration.compareTo(Deadline.LONGEST_WINDOW) > 0) {
                problems.add(prefix + "completion_window", "must be at most 7 days (168h)");
                return null;
            }
            return new Deadline(null, duration);
        }
        return Deadline.DEFAULT;
    }

    /**
     * At most {@code maxModelLength} characters from the set OpenAI's names (fine-tuned ones too) use, and a model the
     * configured upstream serves: every distinct name costs the workers state, so unknown ones stop here.
     */
    private void checkModel(JsonNode model, String prefix, FieldProblems problems) {
        String field = prefix + "model";
        if (model == null || model.isNull()) {
            problems.add(field, "is required");
        } else if (!model.isString() || model.stringValue().isBlank()) {
            problems.add(field, "must be a non-empty string");
        } else if (model.stringValue().length() > limits.maxModelLength()) {
            problems.add(field, "must be at most " + limits.maxModelLength() + " characters");
        } else if (!MODEL.matcher(model.stringValue()).matches()) {
            problems.add(field, "'" + FieldProblems.echo(model.stringValue())
                    + "' is not a model name: use letters, digits and . _ : / @ + -");
        } else {
            models.refusal(model.stringValue()).ifPresent(reason -> problems.add(field, reason));
        }
    }

    private void checkMessages(JsonNode messages, String prefix, FieldProblems problems) {
        String field = prefix + "messages";
        if (messages == null || messages.isNull()) {
            problems.add(field, "is required");
            return;
        }
        if (!messages.isArray()) {
            problems.add(field, "must be an array of messages");
            return;
        }
        if (messages.isEmpty()) {
            problems.add(field, "must contain at least one message");
            return;
        }
        if (messages.size() > limits.maxMessages()) {
            problems.add(field, "holds " + messages.size() + " messages; at most " + limits.maxMessages()
                    + " are allowed (SLUICE_MAX_MESSAGES)");
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            checkMessage(messages.get(i), field + "[" + i + "]", problems);
        }
    }

    private static void checkMessage(JsonNode message, String field, FieldProblems problems) {
        if (!message.isObject()) {
            problems.add(field, "must be an object with role and content");
            return;
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isString()) {
            problems.add(field + ".role", "is required: one of " + String.join(", ", sortedRoles()));
            return;
        }
        if (!ROLES.contains(role.stringValue())) {
            problems.add(field + ".role",
                    "unknown role '" + FieldProblems.echo(role.stringValue()) + "': use one of " + String.join(", ", sortedRoles()));
            return;
        }
        JsonNode content = message.get("content");
        boolean hasContent = content != null && !content.isNull();
        boolean callsTools = message.hasNonNull("tool_calls") || message.hasNonNull("function_call");
        if (hasContent && !content.isString() && !content.isArray()) {
            problems.add(field + ".content", "must be a string or an array of content parts");
        } else if (!hasContent && !("assistant".equals(role.stringValue()) && callsTools)) {
            problems.add(field + ".content", "is required");
        }
        if ("tool".equals(role.stringValue())) {
            JsonNode toolCallId = message.get("tool_call_id");
            if (toolCallId == null || !toolCallId.isString()) {
                problems.add(field + ".tool_call_id", "is required for a tool message");
            }
        }
    }

    private static List<String> sortedRoles() {
        return ROLES.stream().sorted().toList();
    }

    private void checkTokenCap(JsonNode body, String name, String prefix, FieldProblems problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || value.longValue() < 1) {
            problems.add(prefix + name, "must be a positive integer");
        } else if (value.longValue() > limits.maxTokens()) {
            problems.add(prefix + name, "must be at most " + limits.maxTokens() + " (SLUICE_MAX_TOKENS_CAP)");
        }
    }

    private static void checkNumber(JsonNode body, String name, double min, double max, String prefix, FieldProblems problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            problems.add(prefix + name, "must be a number from " + fmt(min) + " to " + fmt(max));
        }
    }

    private static void checkInteger(JsonNode body, String name, int min, int max, String prefix, FieldProblems problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
            problems.add(prefix + name, "must be an integer from " + min + " to " + max);
        }
    }

    private static String fmt(double number) {
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }

    /** OpenAI's rules for metadata: at most 16 pairs, keys of at most 64 characters, string values of at most 512. */
    public static Map<String, String> checkMetadata(JsonNode metadata, String prefix, FieldProblems problems) {
        Map<String, String> result = new LinkedHashMap<>();
        if (metadata == null || metadata.isNull()) {
            return result;
        }
        String field = prefix + "metadata";
        if (!metadata.isObject()) {
            problems.add(field, "must be an object of string values");
            return result;
        }
        if (metadata.size() > JobLimits.METADATA_PAIRS) {
            problems.add(field, "holds " + metadata.size() + " pairs; at most " + JobLimits.METADATA_PAIRS + " are allowed");
            return result;
        }
        for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
            String entryField = field + "." + FieldProblems.echo(entry.getKey());
            if (entry.getKey().length() > JobLimits.METADATA_KEY_LENGTH) {
                problems.add(entryField, "keys may be at most " + JobLimits.METADATA_KEY_LENGTH + " characters");
            }
            if (!entry.getValue().isString()) {
                problems.add(entryField, "must be a string");
            } else if (entry.getValue().stringValue().length() > JobLimits.METADATA_VALUE_LENGTH) {
                problems.add(entryField, "may be at most " + JobLimits.METADATA_VALUE_LENGTH + " characters");
            } else {
                result.put(entry.getKey(), entry.getValue().stringValue());
            }
        }
        return result;
    }

    /** An absolute http or https URL of at most {@code maxLength} characters, without userinfo. */
    static String checkWebhookUrl(JsonNode url, String prefix, FieldProblems problems, int maxLength) {
        if (url == null || url.isNull()) {
            return null;
        }
        String field = prefix + "webhook_url";
        if (!url.isString()) {
            problems.add(field, "must be an http or https URL");
            return null;
        }
        if (url.stringValue().length() > maxLength) {
            problems.add(field, "must be at most " + maxLength + " characters");
            return null;
        }
        try {
            URI uri = new URI(url.stringValue());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add(field, "must be an absolute http or https URL");
                return null;
            }
            if (uri.getRawUserInfo() != null) {
                problems.add(field, "must not carry a user name or password (user:password@host)");
                return null;
            }
            return uri.toString();
        } catch (Exception e) {
            problems.add(field, "is not a valid URL");
            return null;
        }
    }
}
