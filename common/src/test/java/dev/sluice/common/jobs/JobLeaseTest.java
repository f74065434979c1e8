package dev.sluice.common.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobLeaseTest {

    @Test
    void eachWorkerProcessGetsItsOwnOwnerId() {
        JobLease one = JobLease.newOwner(Duration.ofSeconds(30));
        JobLease other = JobLease.newOwner(Duration.ofSeconds(30));

        assertThat(one.owner()).isNotEqualTo(other.owner());
    }

    @Test
    void aLeaseOfNoTimeIsRefused() {
        assertThatThrownBy(() -> JobLease.newOwner(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStartWithTheLeaseLeftIsOneThatWasLeftToTheLeaseHolder() {
        JobStart started = new JobStart(JobStatus.RUNNING, 1, 0);
        JobStart leased = new JobStart(JobStatus.RUNNING, 1, 0, Duration.ofSeconds(12));

        assertThat(started.isLeased()).isFalse();
        assertThat(leased.isLeased()).isTrue();
    }
}
