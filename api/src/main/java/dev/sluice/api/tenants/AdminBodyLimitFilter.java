package dev.sluice.api.tenants;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Admin bodies are small JSON documents: one with a larger declared length is answered 413 unread, and a chunked
 * one fails (400) as soon as it passes the limit, so an admin request never makes the api hold a large body.
 * Runs after authentication, so the anonymous never get this far.
 */
final class AdminBodyLimitFilter extends OncePerRequestFilter {

    static final long LIMIT_BYTES = 64 * 1024;

    private final SecurityProblems problems;

    AdminBodyLimitFilter(SecurityProblems problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !BearerTokenFilter.ADMIN.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > LIMIT_BYTES) {
            problems.payloadTooLarge(request, response, LIMIT_BYTES);
            return;
        }
        chain.doFilter(new LimitedBody(request), response);
    }

    private static final class LimitedBody extends HttpServletRequestWrapper {
        private ServletInputStream limited;

        LimitedBody(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = new LimitedStream(super.getInputStream());
            }
            return limited;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream body;
        private long read;

        LimitedStream(ServletInputStream body) {
            this.body = body;
        }

        @Override
        public int read() throws IOException {
            int next = body.read();
            if (next >= 0) {
                count(1);
            }
            return next;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int count = body.read(buffer, offset, (int) Math.min(length, LIMIT_BYTES + 1 - read));
            if (count > 0) {
                count(count);
            }
            return count;
        }

        private void count(int bytes) throws IOException {
            read += bytes;
            if (read > LIMIT_BYTES) {
                throw new IOException("the admin request body is larger than the limit of " + LIMIT_BYTES + " bytes");
            }
        }

        @Override
        public boolean isFinished() {
            return body.isFinished();
        }

        @Override
        public boolean isReady() {
            return body.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            body.setReadListener(listener);
        }
    }
}
