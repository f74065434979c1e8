package dev.sluice.devstack.simulator;

/**
 * How the simulator counts a request's prompt when it charges the request against the tokens-per-minute bucket. The
 * charge is always made at admission, is the prompt plus the output cap ({@code max_completion_tokens} or
 * {@code max_tokens}, else {@value ChatCompletions#DEFAULT_MAX_OUTPUT_TOKENS}) times {@code n}, and is never refunded
 * after the answer. The {@code usage} of an answer is always the tiktoken-compatible count, whichever is charged.
 */
public enum TokenCounting {
    /** The prompt's tokens as a tiktoken-compatible tokenizer counts them, as Sluice estimates them: the default. */
    TIKTOKEN,
    /**
     * OpenAI's own admission estimate: the characters of the messages' text (string contents and the {@code text}
     * of text parts, in Unicode code points) divided by 4, rounded up, for the whole request.
     */
    CHARACTERS
}
