package dev.sluice.common.jobs;

import org.junit.jupiter.api.Test;

import static dev.sluice.common.jobs.JobStatus.CANCELLED;
import static dev.sluice.common.jobs.JobStatus.EXPIRED;
import static dev.sluice.common.jobs.JobStatus.FAILED;
import static dev.sluice.common.jobs.JobStatus.QUEUED;
import static dev.sluice.common.jobs.JobStatus.RUNNING;
import static dev.sluice.common.jobs.JobStatus.SUCCEEDED;
import static dev.sluice.common.jobs.JobStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

class JobStatusTest {

    @Test
    void aJobCanBeCancelledAnywhereBeforeItsEnd() {
        assertThat(QUEUED.canMoveTo(CANCELLED)).isTrue();
        assertThat(RUNNING.canMoveTo(CANCELLED)).isTrue();
        assertThat(WAITING.canMoveTo(CANCELLED)).isTrue();
        assertThat(SUCCEEDED.canMoveTo(CANCELLED)).isFalse();
        assertThat(FAILED.canMoveTo(CANCELLED)).isFalse();
    }

    @Test
    void aWaitingJobGoesBackToTheQueueOrExpires() {
        assertThat(RUNNING.canMoveTo(WAITING)).isTrue();
        assertThat(WAITING.canMoveTo(QUEUED)).isTrue();
        assertThat(WAITING.canMoveTo(EXPIRED)).isTrue();
        assertThat(WAITING.canMoveTo(FAILED)).isTrue();
        assertThat(WAITING.canMoveTo(SUCCEEDED)).isFalse();
    }

    @Test
    void onlyAFailedJobCanBeReplayed() {
        assertThat(FAILED.canMoveTo(QUEUED)).isTrue();
        assertThat(FAILED.isTerminal()).isTrue();
    }

    @Test
    void terminalStatesAreFinal() {
        for (JobStatus terminal : new JobStatus[]{SUCCEEDED, CANCELLED, EXPIRED}) {
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
