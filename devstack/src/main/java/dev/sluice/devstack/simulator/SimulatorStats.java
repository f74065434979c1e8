package dev.sluice.devstack.simulator;

import java.time.Instant;

/**
 * A snapshot of the simulator's counters since start or the last reset. Served as snake_case JSON on
 * {@code GET /_sim/stats}.
 *
 * @param chatRequests             chat completion requests received, whatever their answer
 * @param succeeded                chat requests answered 200 (stalled ones included, once answered)
 * @param rateLimited              429 rate_limit_exceeded, "Request too large" included
 * @param quotaExhausted           429 insufficient_quota
 * @param unauthorized             401
 * @param badRequests              400
 * @param notFound                 404
 * @param serverErrors             500 server_error
 * @param dropped                  connections closed without a response
 * @param stalled                  requests held for the stall duration
 * @param overloaded               503 during an outage (chat requests only)
 * @param promptTokens             prompt tokens of the 200 answers
 * @param completionTokens         completion tokens of the 200 answers
 * @param chargedTokens            rate-limit tokens charged for the 200 answers (prompt + max output × n)
 * @param distinctClientRequestIds distinct {@code X-Client-Request-Id} values answered 200
 * @param duplicatePaidCalls       200 answers whose {@code X-Client-Request-Id} had been answered 200 before
 * @param firstSucceededAt         time of the first 200 answer, null before it
 * @param lastSucceededAt          time of the latest 200 answer, null before the first
 */
public record SimulatorStats(long chatRequests,
                             long succeeded,
                             long rateLimited,
                             long quotaExhausted,
                             long unauthorized,
                             long badRequests,
                             long notFound,
                             long serverErrors,
                             long dropped,
                             long stalled,
                             long overloaded,
                             long promptTokens,
                             long completionTokens,
                             long chargedTokens,
                             long distinctClientRequestIds,
                             long duplicatePaidCalls,
                             Instant firstSucceededAt,
                             Instant lastSucceededAt) {

    /** Chat requests received and not answered yet (stalled ones included): the calls in flight right now. */
    public long inFlight() {
        long answered = succeeded + rateLimited + quotaExhausted + unauthorized + badRequests + notFound + serverErrors
                + dropped + overloaded;
        return chatRequests - answered;
    }
}
