package dev.sluice.api.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What makes two submits "the same request" for an Idempotency-Key: the endpoint, and the parsed JSON body written
 * again with the keys of every object sorted and no insignificant whitespace. Key order and formatting therefore do
 * not matter; every value, array order and the endpoint do. Values are compared as parsed ({@code 1} and {@code 1.0}
 * differ). The body is streamed into the digest; a batch is hashed entry by entry as it is read
 * ({@code BatchIntake}), so it is never held whole.
 */
public final class CanonicalBody {

    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    private CanonicalBody() {
    }

    /** SHA-256 (hex) of the endpoint, a newline, and the canonical body. */
    public static String sha256(String endpoint, JsonNode body) {
        MessageDigest digest = newDigest();
        digest.update((endpoint + "\n").getBytes(StandardCharsets.UTF_8));
        write(body, new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Adds the canonical form of {@code node} to {@code digest}: for bodies hashed piece by piece, like a batch. */
    public static void update(MessageDigest digest, JsonNode node) {
        write(node, new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    }

    public static MessageDigest digestFor(String endpoint) {
        MessageDigest digest = newDigest();
        digest.update((endpoint + "\n").getBytes(StandardCharsets.UTF_8));
        return digest;
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static String canonical(JsonNode body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(body, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode body, OutputStream out) {
        try (JsonGenerator generator = PLAIN.createGenerator(out)) {
            write(body, generator);
        }
    }

    private static void write(JsonNode node, JsonGenerator generator) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            Collections.sort(names);
            generator.writeStartObject();
            for (String name : names) {
                generator.writeName(name);
                write(node.get(name), generator);
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode element : node) {
                write(element, generator);
            }
            generator.writeEndArray();
        } else {
            generator.writeTree(node);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
