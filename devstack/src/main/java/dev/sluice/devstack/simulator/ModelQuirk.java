package dev.sluice.devstack.simulator;

/**
 * A misbehaviour of one model, for the failure tests that need an answer OpenAI gives rarely or a proxy might:
 * switched on with {@link SimulatorBehaviour#setModelQuirk}. A quirk is checked after the key, before everything else.
 */
public enum ModelQuirk {
    /** Answers 200 as usual, but every choice's content starts with "a", U+0000, "b". */
    NUL_IN_CONTENT,
    /** Answers 403 model_not_found: the project may not use this model (a project-scoped key). */
    FORBIDDEN_MODEL,
    /** Sends the status, the headers and the start of the body, then stalls for the stall duration. */
    STALLED_BODY,
    /** Answers 429 rate_limit_exceeded (requests) with retry-after-ms 500, every time. */
    RATE_LIMITED,
    /** Answers 200 with a body of {@link #OVERSIZE_BYTES} (a chat completion padded with spaces). */
    OVERSIZE_BODY;

    public static final int OVERSIZE_BYTES = 20 * 1024 * 1024;
}
