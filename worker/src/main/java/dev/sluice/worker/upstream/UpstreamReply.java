package dev.sluice.worker.upstream;

import java.net.http.HttpHeaders;

/** What came back from one upstream call. HTTP errors are answers, not exceptions. */
public sealed interface UpstreamReply {

    /** The upstream answered with a status (2xx or not) and a body, possibly not JSON. */
    record Answered(int status, HttpHeaders headers, String body) implements UpstreamReply {
    }

    /** The answer's body was larger than OPENAI_MAX_RESPONSE_SIZE; it was not read to its end. */
    record TooLarge(int status, long limitBytes) implements UpstreamReply {
    }

    /** No answer: timeout (the whole call, body included), refused or reset connection, truncated response. */
    record Unreachable(Kind kind, String detail) implements UpstreamReply {
        public enum Kind { TIMEOUT, CONNECTION }
    }
}
