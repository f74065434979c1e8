package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    private static final String BEFORE = """
            31087:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:        219387       18283288  [B (java.base@17.0.15)
               2:        200000        4800000  java.lang.String (java.base@17.0.15)
               3:          1000          64000  java.util.concurrent.ConcurrentHashMap$Node (java.base@17.0.15)
            Total        420387       23147288
            """;

    private static final String AFTER = """
            31087:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:        219000       18000000  [B (java.base@17.0.15)
               2:        201000        4824000  java.lang.String (java.base@17.0.15)
               3:         81000        2592000  java.util.concurrent.ConcurrentHashMap$Node (java.base@17.0.15)
               4:            10            640  dev.sluice.worker.jobs.PartitionProgress
            Total        501010       25416640
            """;

    @Test
    void readsInstancesAndBytesPerClass() {
        Map<String, ClassHistogram.Entry> classes = ClassHistogram.parse(BEFORE);

        assertThat(classes).hasSize(3);
        assertThat(classes.get("[B")).isEqualTo(new ClassHistogram.Entry(219_387, 18_283_288));
    }

    @Test
    void listsTheClassesThatGrewMostFirstAndLeavesOutThoseThatShrank() {
        assertThat(ClassHistogram.largestGrowth(ClassHistogram.parse(BEFORE), ClassHistogram.parse(AFTER), 2))
                .containsExactly(
                        "  +2,528,000 bytes    +80,000 instances  java.util.concurrent.ConcurrentHashMap$Node",
                        "     +24,000 bytes     +1,000 instances  java.lang.String");
    }

    @Test
    void refusesOutputThatIsNotAHistogram() {
        assertThatThrownBy(() -> ClassHistogram.parse("31087:\nCommand not found\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
