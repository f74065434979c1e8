package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** What to do with one chat completion request; the handler carries it out, now or after the delay. */
sealed interface ChatVerdict permits ChatVerdict.Rejected, ChatVerdict.Answered, ChatVerdict.FailedLater,
        ChatVerdict.Dropped {

    /** Answered at once with an error; {@code headers} are the rate-limit and retry headers to send. */
    record Rejected(OpenAiError error, Map<String, String> headers) implements ChatVerdict {
    }

    /**
     * Answered 200 after {@code delay}; {@code stalled} when the delay is the stall, not the latency. {@code quirk}:
     * the model's misbehaviour in sending it (a stalled or oversize body), or null.
     */
    record Answered(ObjectNode body, int promptTokens, int completionTokens, long chargedTokens, Duration delay,
                    boolean stalled, Map<String, String> headers, ModelQuirk quirk) implements ChatVerdict {
    }

    /** Answered 500 server_error after {@code delay}. */
    record FailedLater(OpenAiError error, Duration delay, Map<String, String> headers) implements ChatVerdict {
    }

    /** The connection is closed after {@code delay} without any response. */
    record Dropped(Duration delay) implements ChatVerdict {
    }
}
