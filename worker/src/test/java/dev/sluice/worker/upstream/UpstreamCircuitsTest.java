package dev.sluice.worker.upstream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UpstreamCircuitsTest {

    private static final Outcome FAILED = new Outcome.Retry("server_error", "down", null);
    private static final Outcome ANSWERED = new Outcome.Fail(400, "invalid_request_error", "bad", null);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private UpstreamCircuits circuits(String fallbacks) {
        return new UpstreamCircuits(new CircuitProperties(50, 4, 4, Duration.ofMillis(200), fallbacks), "test", timer,
                new SimpleMeterRegistry());
    }

    @Test
    void timeInTheQueueIsNotTheCallsAndSlowAnswersNeverOpenTheCircuit() {
        AtomicLong now = new AtomicLong();
        UpstreamCircuits circuits = new UpstreamCircuits(new CircuitProperties(50, 4, 4, Duration.ofMillis(200), ""),
                "test", timer, new SimpleMeterRegistry(), now::get);
        for (int i = 0; i < 10; i++) {
            CircuitPermit permit = circuits.admit("gpt-4o").join();
            now.addAndGet(Duration.ofMinutes(5).toNanos());   // waiting for its budget behind a deep backlog
            assertThat(permit.maySend()).isTrue();
            now.addAndGet(Duration.ofSeconds(90).toNanos());  // a long completion, answered
            assertThat(Duration.ofNanos(circuits.callNanos(permit))).isEqualTo(Duration.ofSeconds(90));
            circuits.record(permit, ANSWERED);
        }

        assertThat(circuits.isHoldingCalls("gpt-4o")).isFalse();
        CircuitPermit next = circuits.admit("gpt-4o").join();
        assertThat(next.breaker().getMetrics().getNumberOfSlowCalls()).isZero();
        assertThat(next.breaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4);
        next.release();
    }

    @Test
    void aPermitWhoseCallNeverWentOutHasNoDuration() {
        AtomicLong now = new AtomicLong();
        UpstreamCircuits circuits = new UpstreamCircuits(new CircuitProperties(50, 4, 4, Duration.ofMillis(200), ""),
                "test", timer, new SimpleMeterRegistry(), now::get);
        CircuitPermit permit = circuits.admit("gpt-4o").join();
        now.addAndGet(Duration.ofMinutes(10).toNanos());

        assertThat(circuits.callNanos(permit)).isZero();
        permit.release();
    }

    @Test
    void aRunOfFailuresOpensTheCircuitAndJobsWaitUntilATrialSucceeds() {
        UpstreamCircuits circuits = circuits("");
        for (int i = 0; i < 4; i++) {
            circuits.record(circuits.admit("gpt-4o").join(), FAILED);
        }
        assertThat(circuits.isHoldingCalls("gpt-4o")).isTrue();

        CompletableFuture<CircuitPermit> first = circuits.admit("gpt-4o");
        CompletableFuture<CircuitPermit> second = circuits.admit("gpt-4o");
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        // after the open wait exactly one of them is let through as the trial
        await().atMost(Duration.ofSeconds(5)).until(() -> first.isDone() || second.isDone());
        CompletableFuture<CircuitPermit> trial = first.isDone() ? first : second;
        CompletableFuture<CircuitPermit> other = trial == first ? second : first;
        assertThat(other).isNotDone();

        circuits.record(trial.join(), ANSWERED);

        await().atMost(Duration.ofSeconds(5)).until(other::isDone);
        assertThat(circuits.isHoldingCalls("gpt-4o")).isFalse();
        assertThat(other.join().isFallback()).isFalse();
    }

    @Test
    void aFailedTrialOpensTheCircuitAgain() {
        UpstreamCircuits circuits = circuits("");
        for (int i = 0; i < 4; i++) {
            circuits.record(circuits.admit("gpt-4o").join(), FAILED);
        }
        CircuitPermit trial = circuits.admit("gpt-4o").orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        circuits.record(trial, FAILED);

        assertThat(circuits.states()).containsEntry("gpt-4o", "open");
    }

    @Test
    void whileAModelIsOpenItsJobsGoToTheFallbackModel() {
        UpstreamCircuits circuits = circuits("gpt-4o=gpt-4o-mini");
        for (int i = 0; i < 4; i++) {
            circuits.record(circuits.admit("gpt-4o").join(), FAILED);
        }

        CircuitPermit permit = circuits.admit("gpt-4o").join();

        assertThat(permit.isFallback()).isTrue();
        assertThat(permit.model()).isEqualTo("gpt-4o-mini");
        circuits.record(permit, ANSWERED);
        assertThat(circuits.isHoldingCalls("gpt-4o-mini")).isFalse();
    }

    @Test
    void aReleasedTrialLetsTheNextJobTry() {
        UpstreamCircuits circuits = circuits("");
        for (int i = 0; i < 4; i++) {
            circuits.record(circuits.admit("gpt-4o").join(), FAILED);
        }
        CircuitPermit trial = circuits.admit("gpt-4o").orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        CompletableFuture<CircuitPermit> next = circuits.admit("gpt-4o");
        assertThat(next).isNotDone();

        trial.release(); // e.g. the job turned out to be cancelled: no call was made

        CircuitPermit nextTrial = next.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(nextTrial.model()).isEqualTo("gpt-4o");
        assertThat(circuits.admittedCalls()).isEqualTo(1);
    }

    @Test
    void aPermitIsSettledOnceWhateverReleasesItAfterwards() {
        UpstreamCircuits circuits = circuits("");
        CircuitPermit recorded = circuits.admit("gpt-4o").join();
        CircuitPermit released = circuits.admit("gpt-4o").join();
        assertThat(circuits.admittedCalls()).isEqualTo(2);

        circuits.record(recorded, ANSWERED);
        recorded.release();
        released.release();
        released.release();
        circuits.record(released, FAILED);

        assertThat(circuits.admittedCalls()).isZero();
        assertThat(circuits.isHoldingCalls("gpt-4o")).isFalse();
    }

    @Test
    void anUnservedModelsPermitTouchesNoCircuit() {
        UpstreamCircuits circuits = circuits("");
        CircuitPermit permit = CircuitPermit.unserved("gpt-9");

        permit.release();

        assertThat(permit.isServed()).isFalse();
        assertThat(permit.maySend()).isFalse();
        assertThat(circuits.admittedCalls()).isZero();
        assertThat(circuits.states()).isEmpty();
    }

    @Test
    void malformedFallbacksAreRefusedAtStart() {
        assertThatThrownBy(() -> new CircuitProperties(50, 20, 10, Duration.ofSeconds(10), "gpt-4o").fallbacks())
                .hasMessageContaining("UPSTREAM_FALLBACK_MODELS");
        assertThatThrownBy(() -> new CircuitProperties(50, 20, 10, Duration.ofSeconds(10), "a=a").fallbacks())
                .hasMessageContaining("two different model names");
        assertThat(new CircuitProperties(50, 20, 10, Duration.ofSeconds(10), " a=b , c=d ").fallbacks())
                .containsEntry("a", "b").containsEntry("c", "d");
    }
}
