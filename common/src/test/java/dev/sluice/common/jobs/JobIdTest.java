package dev.sluice.common.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobIdTest {

    @Test
    void roundTripsThroughItsWireForm() {
        JobId id = JobId.newId();

        assertThat(id.toString()).matches("job_[0-9a-f]{32}");
        assertThat(JobId.parse(id.toString())).hasValue(id);
    }

    @Test
    void idsSortByCreationTime() {
        JobId first = JobId.newId();
        JobId later = new JobId(new java.util.UUID(first.value().getMostSignificantBits() + (5L << 16), 0));

        assertThat(later.value().getMostSignificantBits()).isGreaterThan(first.value().getMostSignificantBits());
    }

    @Test
    void anythingElseIsNotAJobId() {
        assertThat(JobId.parse("batch_0123456789abcdef0123456789abcdef")).isEmpty();
        assertThat(JobId.parse("job_xyz")).isEmpty();
        assertThat(JobId.parse(null)).isEmpty();
    }
}
