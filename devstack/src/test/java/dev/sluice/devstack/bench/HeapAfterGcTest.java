package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code jcmd <pid> -f} output of {@code GC.run} then {@code GC.heap_info}, as JDK 17 prints it. */
class HeapAfterGcTest {

    private static final String SERIAL = """
            3472:
            Command executed successfully
             def new generation   total 157248K, used 1411K [0x00000000e0000000, 0x00000000eaaa0000, 0x00000000eaaa0000)
              eden space 139776K,   1% used [0x00000000e0000000, 0x00000000e0000000, 0x00000000e8880000)
              from space 17472K,   0% used [0x00000000e8880000, 0x00000000e8880000, 0x00000000e9990000)
              to   space 17472K,   0% used [0x00000000e9990000, 0x00000000e9990000, 0x00000000eaaa0000)
             tenured generation   total 349568K, used 92243K [0x00000000eaaa0000, 0x0000000100000000, 0x0000000100000000)
               the space 349568K,  26% used [0x00000000eaaa0000, 0x00000000eacd0ea8, 0x00000000eacd1000, 0x0000000100000000)
             Metaspace       used 89290K, committed 90112K, reserved 1130496K
              class space    used 11062K, committed 11520K, reserved 1048576K
            """;

    private static final String G1 = """
            3700:
            Command executed successfully
             garbage-first heap   total 57344K, used 5957K [0x0000000687400000, 0x0000000800000000)
              region size 4096K, 0 young (0K), 0 survivors (0K)
             Metaspace       used 8949K, committed 9088K, reserved 1114112K
              class space    used 1064K, committed 1152K, reserved 1048576K
            """;

    private static final String PARALLEL = """
            3744:
            Command executed successfully
             PSYoungGen      total 113152K, used 10K [0x0000000782700000, 0x000000078a500000, 0x0000000800000000)
              eden space 97280K, 0% used [0x0000000782700000,0x0000000782700000,0x0000000788600000)
              from space 15872K, 0% used [0x0000000788600000,0x0000000788600000,0x0000000789580000)
              to   space 15872K, 0% used [0x0000000789580000,0x0000000789580000,0x000000078a500000)
             ParOldGen       total 258048K, used 2245K [0x0000000687400000, 0x0000000697000000, 0x0000000782700000)
              object space 258048K, 0% used [0x0000000687400000,0x0000000687631490,0x0000000697000000)
             Metaspace       used 8946K, committed 9088K, reserved 1114112K
              class space    used 1062K, committed 1152K, reserved 1048576K
            """;

    @Test
    void addsTheYoungAndTenuredGenerationsOfTheSerialCollector() {
        HeapAfterGc heap = HeapAfterGc.parse(SERIAL);

        assertThat(heap.heapUsedKib()).isEqualTo(1_411 + 92_243);
        assertThat(heap.metaspaceUsedKib()).isEqualTo(89_290);
    }

    @Test
    void readsTheOneHeapOfG1() {
        assertThat(HeapAfterGc.parse(G1)).isEqualTo(new HeapAfterGc(5_957, 8_949));
    }

    @Test
    void addsTheGenerationsOfTheParallelCollector() {
        assertThat(HeapAfterGc.parse(PARALLEL)).isEqualTo(new HeapAfterGc(10 + 2_245, 8_946));
    }

    @Test
    void refusesOutputThatIsNotHeapInfo() {
        String attachFailed = """
                3472:
                com.sun.tools.attach.AttachNotSupportedException: Unable to open socket file /proc/3472/root/tmp/.java_pid3472
                """;

        assertThatThrownBy(() -> HeapAfterGc.parse(attachFailed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not GC.heap_info output");
    }
}
