package dev.sluice.api.problems;

import dev.sluice.common.correlation.Correlation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.List;

/** Every problem type Sluice answers with, defined once. The README lists them. */
public final class Problems {

    private static final String BASE = "https://sluice.dev/problems/";

    public static final URI INVALID_REQUEST = URI.create(BASE + "invalid-request");
    public static final URI MALFORMED_BODY = URI.create(BASE + "malformed-body");
    public static final URI PAYLOAD_TOO_LARGE = URI.create(BASE + "payload-too-large");
    public static final URI UNAUTHORIZED = URI.create(BASE + "unauthorized");
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    public static final URI NOT_FOUND = URI.create(BASE + "not-found");
    public static final URI CONFLICT = URI.create(BASE + "conflict");
    public static final URI IDEMPOTENCY_KEY_REUSED = URI.create(BASE + "idempotency-key-reused");
    public static final URI RATE_LIMITED = URI.create(BASE + "rate-limited");
    public static final URI UNAVAILABLE = URI.create(BASE + "unavailable");
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "unsupported-media-type");
    public static final URI METHOD_NOT_ALLOWED = URI.create(BASE + "method-not-allowed");
    public static final URI INTERNAL = URI.create(BASE + "internal");

    private Problems() {
    }

    public static ErrorResponseException invalidRequest(List<FieldProblem> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " problems in the request; see errors";
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid request", detail);
        problem.setProperty("errors", List.copyOf(errors));
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    /** Like {@link #invalidRequest(List)}, with the count of every problem found, listed or not. */
    public static ErrorResponseException invalidRequest(FieldProblems found) {
        List<FieldProblem> errors = found.list();
        String detail = found.total() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : found.total() + " problems in the request; see errors";
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid request", detail);
        problem.setProperty("errors", errors);
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    /** Entries too large to be a Kafka record: a 413 that names each. */
    public static ErrorResponseException entriesTooLarge(FieldProblems found) {
        ProblemDetail problem = problem(HttpStatus.CONTENT_TOO_LARGE, PAYLOAD_TOO_LARGE, "Request entry too large",
                found.total() == 1 ? found.list().get(0).field() + ": " + found.list().get(0).message()
                        : found.total() + " entries are too large; see errors");
        problem.setProperty("errors", found.list());
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem, null);
    }

    /** Sluice is too busy for this request now; {@code Retry-After} says when to try again. */
    public static ErrorResponseException busy(String detail, int retryAfterSeconds) {
        ErrorResponseException busy = exception(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "Service unavailable", detail);
        busy.getHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        return busy;
    }

    public static ErrorResponseException malformedBody(String detail) {
        return exception(HttpStatus.BAD_REQUEST, MALFORMED_BODY, "Malformed request body", detail);
    }

    public static ErrorResponseException payloadTooLarge(long limitBytes) {
        return exception(HttpStatus.CONTENT_TOO_LARGE, PAYLOAD_TOO_LARGE, "Request body too large",
                "the body is larger than the limit of " + limitBytes + " bytes");
    }

    public static ErrorResponseException notFound(String what) {
        return exception(HttpStatus.NOT_FOUND, NOT_FOUND, "Not found", what + " does not exist");
    }

    public static ErrorResponseException conflict(String detail) {
        return exception(HttpStatus.CONFLICT, CONFLICT, "Conflict", detail);
    }

    /**
     * The key stands for an earlier, different request; {@code earlierUse} says how it differs, for example "with a
     * different body on POST /v1/jobs".
     */
    public static ErrorResponseException idempotencyKeyReused(String key, String earlierUse) {
        return exception(HttpStatus.UNPROCESSABLE_CONTENT, IDEMPOTENCY_KEY_REUSED, "Idempotency-Key reused",
                "Idempotency-Key '" + key + "' was already used " + earlierUse + "; send that request again to get "
                        + "its answer, or use a new key for a new request");
    }

    public static ErrorResponseException forbidden(String detail) {
        return exception(HttpStatus.FORBIDDEN, FORBIDDEN, "Forbidden", detail);
    }

    public static ErrorResponseException unauthorized(String detail) {
        return exception(HttpStatus.UNAUTHORIZED, UNAUTHORIZED, "Unauthorized", detail);
    }

    public static ErrorResponseException unavailable(String detail, Throwable cause) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "Service unavailable", detail);
        return new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, cause);
    }

    public static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    private static ErrorResponseException exception(HttpStatus status, URI type, String title, String detail) {
        return new ErrorResponseException(status, problem(status, type, title, detail), null);
    }

    /**
     * Writes a problem straight to the response, for servlet filters that answer before any controller (and so
     * before {@code ProblemHandler}) is reached; adds the request's correlation id like the handler does.
     */
    public static void write(HttpServletResponse response, JsonMapper json, ProblemDetail problem)
            throws IOException {
        problem.setProperty("correlation_id", MDC.get(Correlation.CORRELATION_ID));
        response.setStatus(problem.getStatus());
        response.setContentType("application/problem+json");
        json.writeValue(response.getOutputStream(), problem);
    }
}
