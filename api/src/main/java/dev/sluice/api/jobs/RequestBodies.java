package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON request body under a size limit, strictly: invalid UTF-8 and malformed JSON are
 * 400s that say what is wrong, an oversized body is a 413, and nothing is read past the limit.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    public static JsonNode readJson(InputStream body, long declaredLength, long limitBytes, JsonMapper json) throws IOException {
        if (declaredLength > limitBytes) {
            throw Problems.payloadTooLarge(limitBytes);
        }
        byte[] bytes = readAtMost(body, limitBytes);
        String text = decodeUtf8(bytes);
        if (text.isBlank()) {
            throw Problems.malformedBody("the request body is empty; send a JSON object");
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            throw Problems.malformedBody("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static byte[] readAtMost(InputStream body, long limitBytes) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[16384];
        long total = 0;
        int read;
        while ((read = body.read(chunk)) != -1) {
            total += read;
            if (total > limitBytes) {
                throw Problems.payloadTooLarge(limitBytes);
            }
            buffer.write(chunk, 0, read);
        }
        return buffer.toByteArray();
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw Problems.malformedBody("the body is not valid UTF-8");
        }
    }
}
