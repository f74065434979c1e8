package dev.sluice.worker.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {

    @Test
    void neverCommitsPastAJobStillInFlight() {
        PartitionProgress progress = new PartitionProgress();
        progress.started(10);
        progress.started(11);
        progress.started(12);

        progress.finished(11);
        progress.finished(12);

        assertThat(progress.committable()).hasValue(10);
    }

    @Test
    void commitsPastEverythingOnceAllAreDone() {
        PartitionProgress progress = new PartitionProgress();
        progress.started(10);
        progress.started(11);

        progress.finished(11);
        progress.finished(10);

        assertThat(progress.committable()).hasValue(12);
    }

    @Test
    void offersAPositionOnlyWhenItMoved() {
        PartitionProgress progress = new PartitionProgress();
        progress.started(5);
        progress.finished(5);
        progress.committed(6);

        assertThat(progress.committable()).isEmpty();
        assertThat(progress.inFlight()).isZero();
    }
}
