package dev.sluice.common.tracing;

import dev.sluice.common.jobs.JobSubmitted;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A step of a job's processing as a span under the job's trace ({@link JobSubmitted#trace}), carrying its job and
 * tenant ids: the budget wait, the cache look-up, the upstream call, the result's write.
 */
public final class JobSpans {

    private JobSpans() {
    }

    public static Span start(JobSubmitted job, String name, SpanKind kind) {
        return Tracing.start(name, kind, job.trace())
                .setAttribute(Tracing.JOB_ID, job.jobId().toString())
                .setAttribute(Tracing.TENANT_ID, job.tenantId().toString());
    }

    /** An asynchronous step in an INTERNAL span, ended when it completes. */
    public static <T> CompletableFuture<T> around(JobSubmitted job, String name, Supplier<CompletableFuture<T>> step) {
        return around(job, name, SpanKind.INTERNAL, step, null);
    }

    /** An asynchronous step in a span; {@code onResult} (may be null) adds attributes from its result before it ends. */
    public static <T> CompletableFuture<T> around(JobSubmitted job, String name, SpanKind kind,
                                                  Supplier<CompletableFuture<T>> step, BiConsumer<Span, T> onResult) {
        Span span = start(job, name, kind);
        CompletableFuture<T> running;
        try (var ignored = span.makeCurrent()) {
            running = step.get();
        } catch (RuntimeException | Error e) {
            Tracing.end(span, e);
            throw e;
        }
        return running.whenComplete((value, failure) -> {
            if (failure == null && onResult != null && span.isRecording()) {
                onResult.accept(span, value);
            }
            Tracing.end(span, failure);
        });
    }
}
