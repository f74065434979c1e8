package dev.sluice.api.tenants;

import dev.sluice.api.problems.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * The answers the security chain gives before any controller runs, as the same problem+json (with its correlation
 * id) that {@code ProblemHandler} writes. A 401, 403 or 429 to a request with an unread body says
 * {@code Connection: close}: Tomcat then discards at most {@code server.tomcat.max-swallow-size} of the rest and closes
 * the connection. (For 400, 413 and 503 Tomcat closes by itself, without reading any of it.)
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private final JsonMapper json;

    SecurityProblems(JsonMapper json) {
        this.json = json;
    }

    /** No credentials where they are needed; also any path that is not served to the anonymous. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        String detail;
        if (BearerTokenFilter.API.matches(request)) {
            detail = "missing API key: send Authorization: Bearer <api key>";
        } else if (BearerTokenFilter.ADMIN.matches(request)) {
            detail = "missing or wrong admin token";
        } else {
            detail = "no such endpoint, or it needs credentials";
        }
        unauthorized(request, response, detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
            throws IOException {
        forbidden(request, response, "these credentials do not give access to " + request.getMethod() + " "
                + request.getRequestURI());
    }

    /** The firewall's refusal: a path with {@code ;}, an encoded slash or dot, and the like. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException exception)
            throws IOException {
        write(request, response, Problems.problem(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request",
                "the request was refused: " + exception.getMessage()));
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(request, response, Problems.problem(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail));
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        write(request, response, Problems.problem(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail));
    }

    void tooManyFailures(HttpServletRequest request, HttpServletResponse response, long retryAfterSeconds)
            throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        write(request, response, Problems.problem(HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED,
                "Too many failed authentications", "too many failed authentications from this address; retry after "
                        + retryAfterSeconds + " s"));
    }

    void unavailable(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        response.setHeader("Retry-After", "5");
        write(request, response, Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE,
                "Service unavailable", detail));
    }

    void payloadTooLarge(HttpServletRequest request, HttpServletResponse response, long limitBytes) throws IOException {
        write(request, response, Problems.problem(HttpStatus.CONTENT_TOO_LARGE, Problems.PAYLOAD_TOO_LARGE,
                "Request body too large", "the body is larger than the limit of " + limitBytes + " bytes"));
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        boolean tomcatDropsTheConnection = problem.getStatus() == 400 || problem.getStatus() == 413
                || problem.getStatus() == 503;
        boolean bodyUnread = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (bodyUnread && !tomcatDropsTheConnection) {
            response.setHeader("Connection", "close");
        }
        Problems.write(response, json, problem);
    }
}
