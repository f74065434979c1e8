package dev.sluice.devstack.chaos;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerMemoryTest {

    @Test
    void readsTheResidentSetSizeFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmRSS:\t  421376 kB\nRssAnon:\t  380000 kB\n";

        assertThat(WorkerMemory.rssOf(status)).isEqualTo(OptionalLong.of(421_376L * 1024));
    }

    @Test
    void hasNoResidentSetSizeWhenTheLineIsMissing() {
        assertThat(WorkerMemory.rssOf("Name:\tzombie\nState:\tZ (zombie)\n")).isEmpty();
    }

    @Test
    void describesBothFiguresInMegabytes() {
        WorkerMemory memory = new WorkerMemory(7, OptionalLong.of(421L << 20), OptionalLong.empty());

        assertThat(memory.describe()).isEqualTo("RSS 421 MB, heap used after GC unknown");
    }
}
