package dev.sluice.worker.upstream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamCircuitsMaySendTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final Outcome.Retry SERVER_ERROR = new Outcome.Retry("server_error", "500", null);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final UpstreamCircuits circuits = new UpstreamCircuits(
            new CircuitProperties(50, 4, 2, Duration.ofMillis(200), ""), "test", timer, new SimpleMeterRegistry());

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aCallAdmittedWhileClosedMaySendWhileTheCircuitStaysClosed() {
        CircuitPermit permit = circuits.admit(MODEL).join();

        assertThat(permit.isTrial()).isFalse();
        assertThat(circuits.maySend(permit)).isTrue();
    }

    @Test
    void aCallAdmittedBeforeTheCircuitOpenedIsNoLongerSent() {
        CircuitPermit waitingForItsBudget = circuits.admit(MODEL).join();

        openTheCircuit();

        assertThat(circuits.isHoldingCalls(MODEL)).isTrue();
        assertThat(circuits.maySend(waitingForItsBudget)).isFalse();
    }

    @Test
    void theTrialCallAfterTheOpenWaitIsSent() {
        openTheCircuit();

        CircuitPermit trial = circuits.admit(MODEL).join();

        assertThat(trial.isTrial()).isTrue();
        assertThat(circuits.maySend(trial)).isTrue();
    }

    private void openTheCircuit() {
        for (int call = 0; call < 2; call++) {
            circuits.record(circuits.admit(MODEL).join(), SERVER_ERROR);
        }
    }
}
