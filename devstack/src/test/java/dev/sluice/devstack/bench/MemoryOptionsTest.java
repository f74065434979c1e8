package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryOptionsTest {

    @Test
    void defaultsToOneHundredThousandJobsInBatchesOfTenThousand() {
        MemoryOptions options = MemoryOptions.parse(new String[0]);

        assertThat(options.jobs()).isEqualTo(100_000);
        assertThat(options.batchSize()).isEqualTo(10_000);
        assertThat(options.workerHeap()).isEqualTo("512m");
        assertThat(options.warmupJobs()).isEqualTo(10_000);
    }

    @Test
    void aSmallRunShrinksTheBatchToTheJobs() {
        MemoryOptions options = MemoryOptions.parse(new String[] {"--jobs=3_000"});

        assertThat(options.batchSize()).isEqualTo(3_000);
        assertThat(options.backlog()).isGreaterThanOrEqualTo(3_000);
    }

    @Test
    void refusesAnUnknownOption() {
        assertThatThrownBy(() -> MemoryOptions.parse(new String[] {"--jobz=5"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--jobz");
    }

    @Test
    void refusesAHeapWithoutAUnit() {
        assertThatThrownBy(() -> MemoryOptions.parse(new String[] {"--worker-heap=512"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--worker-heap");
    }

    @Test
    void diagnosticsAreOffUnlessAskedFor() {
        assertThat(MemoryOptions.parse(new String[0]).diagnose()).isFalse();
        assertThat(MemoryOptions.parse(new String[] {"--diagnose=true"}).diagnose()).isTrue();
    }
}
