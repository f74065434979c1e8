package dev.sluice.worker.upstream;

/**
 * How an upstream counts a request against its TPM limit, and so what the shared budget reserves for it and whether
 * the reservation is settled afterwards ({@code sluice.upstream.reservation}, UPSTREAM_RESERVATION, and per target).
 */
public enum ReservationModel {

    /**
     * OpenAI's rule (the default): at admission it charges an estimate from the request's characters, about one token
     * per four, plus {@code max_completion_tokens} or {@code max_tokens} times {@code n}, and never gives any of it
     * back. Sluice reserves ceil(characters of the messages' text / 4) plus that output cap, and settles nothing.
     */
    OPENAI(false),

    /**
     * For servers that count prompts exactly, as tiktoken does, and report that count in {@code usage}: Sluice
     * reserves the prompt's tiktoken count plus the output cap, and afterwards settles the prompt part to
     * {@code usage.prompt_tokens}; the output cap stays reserved until it refills.
     */
    TIKTOKEN(true);

    private final boolean settledToUsage;

    ReservationModel(boolean settledToUsage) {
        this.settledToUsage = settledToUsage;
    }

    /** Whether the reservation is corrected to the answer's {@code usage} afterwards. */
    public boolean settledToUsage() {
        return settledToUsage;
    }
}
