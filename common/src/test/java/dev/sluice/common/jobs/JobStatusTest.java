package dev.sluice.common.jobs;

import org.junit.jupiter.api.Test;

import static dev.sluice.common.jobs.JobStatus.CANCELLED;
import static dev.sluice.common.jobs.JobStatus.FAILED;
import static dev.sluice.common.jobs.JobStatus.QUEUED;
import static dev.sluice.common.jobs.JobStatus.RUNNING;
import static dev.sluice.common.jobs.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

class JobStatusTest {

    @Test
    void onlyAQueuedJobCanBeCancelled() {
        assertThat(QUEUED.canMoveTo(CANCELLED)).isTrue();
        assertThat(RUNNING.canMoveTo(CANCELLED)).isFalse();
        assertThat(SUCCEEDED.canMoveTo(CANCELLED)).isFalse();
    }

    @Test
    void terminalStatesAreFinal() {
        for (JobStatus terminal : new JobStatus[]{SUCCEEDED, FAILED, CANCELLED}) {
            assertThat(terminal.isTerminal()).isTrue();
            for (JobStatus next : JobStatus.values()) {
                assertThat(terminal.canMoveTo(next)).isFalse();
            }
        }
    }

    @Test
    void aRunningJobCanBeTakenOverAfterItsWorkerDied() {
        assertThat(RUNNING.canMoveTo(RUNNING)).isTrue();
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(QUEUED.wireName()).isEqualTo("queued");
        assertThat(JobStatus.fromWire("succeeded")).isEqualTo(SUCCEEDED);
    }
}
