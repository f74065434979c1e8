package dev.sluice.api.problems;

import dev.sluice.common.correlation.Correlation;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place HTTP errors are made: RFC 9457 problem+json, Spring's own failures included, each with
 * the request's correlation id. An unexpected exception is a 500 that logs its stack; bad input never is.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    /** SQLState classes that a later try can get past: connection, resources, operator intervention, rollback. */
    private static final java.util.List<String> TRANSIENT_SQL_STATES = java.util.List.of("08", "53", "57", "40");

    /** The failure last logged: a group commit hands one exception to every caller in the group, logged once. */
    private final AtomicReference<Throwable> lastLogged = new AtomicReference<>();

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception exception, WebRequest request) {
        if (isFirstSighting(exception)) {
            log.error("unexpected failure", exception);
        }
        ProblemDetail problem = Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL,
                "Internal error", "Sluice failed unexpectedly; the correlation id identifies the log lines");
        return super.handleExceptionInternal(exception, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR,
                request);
    }

    /** PostgreSQL unreachable, the pool exhausted, a failover: 503 with Retry-After, so clients know to retry. */
    @ExceptionHandler(JdbiException.class)
    ResponseEntity<Object> handleDatabase(JdbiException exception, WebRequest request) {
        if (!isTransient(exception)) {
            return handleUnexpected(exception, request);
        }
        if (isFirstSighting(exception)) {
            log.warn("the database did not answer, answering 503: {}", rootMessage(exception));
        }
        ProblemDetail problem = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE,
                "Service unavailable", "the database did not answer, so nothing was done; retry later");
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return super.handleExceptionInternal(exception, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    static boolean isTransient(JdbiException exception) {
        if (exception instanceof ConnectionException) {
            return true;
        }
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
                    && TRANSIENT_SQL_STATES.contains(sql.getSQLState().substring(0, 2))) {
                return true;
            }
        }
        return false;
    }

    private boolean isFirstSighting(Throwable exception) {
        return lastLogged.getAndSet(exception) != exception;
    }

    private static String rootMessage(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            decorate(problem, status);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception exception, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (body == null && exception instanceof ErrorResponse errorResponse) {
            body = errorResponse.getBody();
        }
        if (status.is5xxServerError() && !(exception instanceof org.springframework.web.ErrorResponseException)) {
            log.warn("request failed with {}", status, exception);
        } else if (status.is5xxServerError()) {
            log.warn("request failed with {}: {}", status, exception.getMessage());
        }
        return super.handleExceptionInternal(exception, body, headers, status, request);
    }

    private static void decorate(ProblemDetail problem, HttpStatusCode status) {
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(typeFor(status));
        }
        String correlationId = MDC.get(Correlation.CORRELATION_ID);
        if (correlationId != null) {
            problem.setProperty("correlation_id", correlationId);
        }
    }

    private static java.net.URI typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> Problems.MALFORMED_BODY;
            case 404 -> Problems.NOT_FOUND;
            case 405 -> Problems.METHOD_NOT_ALLOWED;
            case 413 -> Problems.PAYLOAD_TOO_LARGE;
            case 415 -> Problems.UNSUPPORTED_MEDIA_TYPE;
            default -> status.is5xxServerError() ? Problems.INTERNAL : Problems.INVALID_REQUEST;
        };
    }
}
