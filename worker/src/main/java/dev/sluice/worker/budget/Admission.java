package dev.sluice.worker.budget;

import java.time.Duration;

/** The budget's answer to "may this job go upstream now?". */
sealed interface Admission {

    /** Sent: one request and the estimated tokens are taken from the shared budget. */
    record Granted() implements Admission {
    }

    /** Not yet (the budget's own answer; a lane never completes with it): ask again after this long (the budget refills, or a cool-down ends). */
    record Wait(Duration delay) implements Admission {
    }

    /** Never: the job's deadline passed while it waited; it must not be sent. */
    record Expired() implements Admission {
    }

    /** Never: the job alone needs more tokens than the whole per-minute limit. */
    record TooLarge(long tokensPerMinute) implements Admission {
    }
}
