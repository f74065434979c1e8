package dev.sluice.worker.cache;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The response cache's key: SHA-256 of the canonical request. Canonical means every field that changes the output
 * (model, messages, max tokens, tools, response_format, seed, stop, ...), with object keys sorted at every level, no
 * insignificant whitespace, and temperature rounded to one decimal (0.71 and 0.72 sample alike). Fields that do not
 * change the output (user, safety_identifier, store, prompt_cache_key, service_tier, stream_options) are left out,
 * as is everything per job (ids, metadata, webhook, timestamps), which never reaches the request anyway.
 */
record CacheKey(String scope, String digest) {

    private static final Set<String> NOT_OUTPUT_CHANGING = Set.of("user", "safety_identifier", "store",
            "prompt_cache_key", "prompt_cache_retention", "service_tier", "stream_options", "metadata", "stream");
    private static final JsonMapper CANONICAL = JsonMapper.builder().build();

    /** {@code scope} is the tenant, or "shared" when tenants share one cache. */
    public static CacheKey of(JsonNode request, String scope) {
        byte[] canonical = CANONICAL.writeValueAsBytes(canonical(request, true));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical);
            return new CacheKey(scope, HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    String redisKey() {
        return "sluice:cache:{" + scope + ":" + digest + "}";
    }

    String lockKey() {
        return "sluice:cache:{" + scope + ":" + digest + "}:flight";
    }

    private static JsonNode canonical(JsonNode node, boolean topLevel) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (topLevel && NOT_OUTPUT_CHANGING.contains(field.getKey())) {
                    continue;
                }
                JsonNode value = topLevel && "temperature".equals(field.getKey()) && field.getValue().isNumber()
                        ? JsonNodeFactory.instance.numberNode(
                                field.getValue().decimalValue().setScale(1, RoundingMode.HALF_UP))
                        : canonical(field.getValue(), false);
                sorted.put(field.getKey(), value);
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            sorted.forEach(result::set);
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> result.add(canonical(element, false)));
            return result;
        }
        if (node.isNumber() && !node.isIntegralNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return JsonNodeFactory.instance.numberNode(value.scale() <= 0 ? value.setScale(1) : value);
        }
        return node;
    }
}
