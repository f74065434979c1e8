package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.worker.budget.MeteredUpstream;
import dev.sluice.worker.budget.TokenEstimate;
import dev.sluice.worker.correlation.JobLogContext;
import dev.sluice.worker.upstream.CircuitPermit;
import dev.sluice.worker.upstream.KeyHealth;
import dev.sluice.worker.upstream.Outcome;
import dev.sluice.worker.upstream.OutcomeClassifier;
import dev.sluice.worker.upstream.UpstreamCircuits;
import dev.sluice.worker.upstream.UpstreamMetrics;
import dev.sluice.worker.upstream.UpstreamReply;
import dev.sluice.worker.upstream.UpstreamTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The upstream side of a job's attempt, for {@link JobProcessor}: waiting until the job may be sent (a usable key, a
 * circuit permit), the call through the shared budget, and everything after it in one step: the
 * {@link OutcomeClassifier} names the outcome (for a job that was not sent, too), the circuit records it, the budget
 * settles its estimate or starts a cool-down, and the key is paused or confirmed usable.
 */
final class UpstreamCaller {

    private static final Logger log = LoggerFactory.getLogger(UpstreamCaller.class);

    private final UpstreamTargets targets;
    private final UpstreamCircuits circuits;
    private final MeteredUpstream upstream;
    private final OutcomeClassifier classifier;
    private final UpstreamMetrics metrics;

    UpstreamCaller(UpstreamTargets targets, UpstreamCircuits circuits, MeteredUpstream upstream,
                   OutcomeClassifier classifier, UpstreamMetrics metrics) {
        this.metrics = metrics;
        this.targets = targets;
        this.circuits = circuits;
        this.upstream = upstream;
        this.classifier = classifier;
    }

    /**
     * Completes once the job may be sent: while every upstream key for its model is paused, or its circuit is open,
     * the job waits here (and the rest in Kafka once the worker is full). A model no target serves gets nothing of its
     * own (no circuit, gauge, lane or Redis key): an {@link CircuitPermit#unserved unserved} permit, and it fails.
     */
    CompletableFuture<CircuitPermit> whenSendable(JobSubmitted job) {
        return targets.whenAnyUsable(job.model())
                .thenCompose(usable -> targets.isServed(job.model()))
                .thenCompose(served -> served ? circuits.admit(job.model())
                        : CompletableFuture.completedFuture(CircuitPermit.unserved(job.model())));
    }

    /** A permit for the next attempt of a job that is running already (after a 429). */
    CompletableFuture<CircuitPermit> nextPermit(String model) {
        return circuits.admit(model);
    }

    /** Whether the model's circuit holds calls now (open, or half-open with its trial out). */
    boolean isHoldingCalls(String model) {
        return circuits.isHoldingCalls(model);
    }

    Outcome notServed(String model) {
        return classifier.notServed(model);
    }

    /**
     * Waits for the attempt's budget and sends it. Empty when it was not sent because the job's partition moved to
     * another worker meanwhile (the new owner runs the job); otherwise the outcome, also for a job not sent. Never
     * completes exceptionally: a bug or an unreadable key file counts as a failed attempt, so the job never hangs.
     */
    CompletableFuture<Optional<Outcome>> send(JobAttempt attempt) {
        JobSubmitted job = attempt.job();
        JobSubmitted outgoing = attempt.outgoing();
        CircuitPermit permit = attempt.permit();
        if (permit.isFallback()) {
            JobLogContext.run(job, () -> log.warn("circuit for {} is open: sending the job to its fallback model {}",
                    job.model(), outgoing.model()));
        }
        return upstream.send(outgoing, attempt.owned(), permit::maySend)
                .thenApply(result -> JobLogContext.call(job, () -> outcomeOf(permit, outgoing, result)))
                .exceptionally(failure -> {
                    JobLogContext.run(job, () -> log.error("unexpected failure around the upstream call", failure));
                    return Optional.of(classifier.internalError());
                });
    }

    private Optional<Outcome> outcomeOf(CircuitPermit permit, JobSubmitted outgoing, MeteredUpstream.Result result) {
        if (result instanceof MeteredUpstream.Result.Abandoned) {
            return Optional.empty();
        }
        if (result instanceof MeteredUpstream.Result.TooLarge tooLarge) {
            TokenEstimate estimate = tooLarge.call().estimate();
            return Optional.of(classifier.tooLarge(outgoing.model(), estimate.promptTokens(),
                    estimate.completionTokens(), tooLarge.tokensPerMinute()));
        }
        if (result instanceof MeteredUpstream.Result.Withheld) {
            // its circuit opened while it waited: the job is queued again without a failed attempt, like a call that
            // failed while the circuit is open
            return Optional.of(classifier.withheld(outgoing.model()));
        }
        if (result instanceof MeteredUpstream.Result.Expired) {
            return Optional.of(new Outcome.Expired());
        }
        if (result instanceof MeteredUpstream.Result.NotServed notServed) {
            return Optional.of(classifier.notServed(notServed.model()));
        }
        MeteredUpstream.Result.Sent sent = (MeteredUpstream.Result.Sent) result;
        Outcome outcome = classifier.classify(sent.reply());
        metrics.record(permit, sent.call().target().name(), outgoing, sent.reply(), outcome);
        circuits.record(permit, outcome);
        upstream.settle(sent, outcome);
        KeyHealth key = sent.call().target().health();
        if (outcome instanceof Outcome.PauseKey pause) {
            key.pause(pause);
        } else if (sent.reply() instanceof UpstreamReply.Answered) {
            key.confirmUsable();
        }
        return Optional.of(outcome);
    }
}
