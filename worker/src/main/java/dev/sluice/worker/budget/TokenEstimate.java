package dev.sluice.worker.budget;

/**
 * What a job will cost against TPM, as its upstream reserves it: the prompt's tokens (as its
 * {@link dev.sluice.worker.upstream.ReservationModel} counts them) plus the maximum output for every choice asked
 * for. The prompt part is settled against the upstream's usage afterwards only where the upstream charges usage.
 */
public record TokenEstimate(long promptTokens, long completionTokens) {

    public long total() {
        return promptTokens + completionTokens;
    }
}
