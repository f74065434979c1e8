package dev.sluice.worker.budget;

/**
 * What a job will cost against TPM, as OpenAI reserves it: the prompt's tokens plus the maximum output for every
 * choice asked for. The prompt part is settled against the upstream's usage afterwards.
 */
public record TokenEstimate(long promptTokens, long completionTokens) {

    public long total() {
        return promptTokens + completionTokens;
    }
}
