package dev.sluice.worker.webhooks;

/** What one delivery attempt came to. */
sealed interface AttemptResult {

    /** A 2xx answer: delivered. */
    record Accepted(int httpStatus) implements AttemptResult {
    }

    /** 410 Gone: the receiver wants no more; never tried again. */
    record Gone(int httpStatus, String error) implements AttemptResult {
    }

    /** Any other answer ({@code httpStatus} set), or none (timeout, connection, DNS, refused address): tried again. */
    record Failed(Integer httpStatus, String error) implements AttemptResult {
    }
}
