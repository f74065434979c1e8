package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    private static final String SUMMARY_DIFF = """
            16448:

            Native Memory Tracking:

            (Omitting categories weighting less than 1KB)

            Total: reserved=7842520KB +2101KB, committed=484736KB +2101KB

            -                 Java Heap (reserved=6172672KB, committed=397312KB)
                                        (mmap: reserved=6172672KB, committed=397312KB)
            \s
            -                    Thread (reserved=19506KB, committed=890KB)
                                        (thread #19)
            \s
            -                      Code (reserved=247871KB +2048KB, committed=7731KB +2048KB)
                                        (malloc=183KB #1827)
            \s
            -                    Symbol (reserved=2805KB, committed=2805KB -12KB)
                                        (malloc=2445KB #49843)
            \s
            -    Native Memory Tracking (reserved=970KB +1KB, committed=970KB +1KB)
                                        (malloc=14KB +1KB #243 +19)
            """;

    @Test
    void keepsTheTotalAndOnlyTheAreasWhoseCommittedMemoryChanged() {
        assertThat(NativeMemory.changedAreas(SUMMARY_DIFF)).containsExactly(
                "Total: reserved=7842520KB +2101KB, committed=484736KB +2101KB",
                "Code (reserved=247871KB +2048KB, committed=7731KB +2048KB)",
                "Symbol (reserved=2805KB, committed=2805KB -12KB)",
                "Native Memory Tracking (reserved=970KB +1KB, committed=970KB +1KB)");
    }

    @Test
    void refusesOutputOfAJvmWithoutTracking() {
        assertThatThrownBy(() -> NativeMemory.changedAreas("16448:\nNative memory tracking is not enabled\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
