package dev.sluice.api.idempotency;

import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The value of a submit's {@code Idempotency-Key} header: 1 to 255 printable ASCII characters, chosen by the caller
 * and scoped to its tenant. Anything else is a 400 that names the header.
 */
public record IdempotencyKey(String value) {

    public static final String HEADER = "Idempotency-Key";
    /** Set to {@code true} on an answer that repeats an earlier one for the same key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (!isValid(value)) {
            throw new IllegalArgumentException("an Idempotency-Key is 1 to " + MAX_LENGTH + " printable ASCII characters");
        }
    }

    /** The request's key, or empty when it sends none; throws the 400 problem when the header is not usable. */
    public static Optional<IdempotencyKey> of(HttpServletRequest request) {
        return parse(Collections.list(request.getHeaders(HEADER)));
    }

    static Optional<IdempotencyKey> parse(List<String> headerValues) {
        if (headerValues.isEmpty()) {
            return Optional.empty();
        }
        if (headerValues.size() > 1) {
            throw invalid("is sent " + headerValues.size() + " times; send it once");
        }
        String value = headerValues.get(0);
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw invalid("must be 1 to " + MAX_LENGTH + " characters long, got " + value.length());
        }
        if (!isValid(value)) {
            throw invalid("must be printable ASCII (space to ~), for example a UUID");
        }
        return Optional.of(new IdempotencyKey(value));
    }

    private static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH
                && value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    }

    private static RuntimeException invalid(String message) {
        return Problems.invalidRequest(List.of(new FieldProblem(HEADER, "header " + message)));
    }

    @Override
    public String toString() {
        return value;
    }
}
