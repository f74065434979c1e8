package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tracing.JobSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The write of an attempt's outcome to PostgreSQL as a CLIENT span, named as the database conventions say. */
final class ResultSpans {

    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
    private static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    private static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("sluice.job.outcome");
    private static final AttributeKey<Boolean> STORED = AttributeKey.booleanKey("sluice.job.stored");

    private ResultSpans() {
    }

    /** {@code state}: what is stored ("succeeded", "failed", ...); {@code write} completes with whether it was. */
    static CompletableFuture<Boolean> around(JobSubmitted job, String state, Supplier<CompletableFuture<Boolean>> write) {
        return JobSpans.around(job, "UPDATE jobs", SpanKind.CLIENT, () -> write.get(), (span, stored) -> span
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(DB_OPERATION, "UPDATE")
                .setAttribute(DB_COLLECTION, "jobs")
                .setAttribute(STATE, state)
                .setAttribute(STORED, Boolean.TRUE.equals(stored)));
    }
}
