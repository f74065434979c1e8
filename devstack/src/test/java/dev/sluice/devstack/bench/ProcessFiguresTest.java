package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessFiguresTest {

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t9465
            VmPeak:\t 3845236 kB
            VmRSS:\t  744172 kB
            RssAnon:\t  712340 kB
            Threads:\t118
            SigQ:\t0/95934
            """;

    @Test
    void readsTheThreadCountFromProcStatus() {
        assertThat(ProcessFigures.statusField(STATUS, "Threads")).isEqualTo(118);
    }

    @Test
    void readsResidentMemoryInKibWithoutItsUnit() {
        assertThat(ProcessFigures.statusField(STATUS, "VmRSS")).isEqualTo(744_172);
    }

    @Test
    void aFieldIsMatchedByItsWholeNameNotAPrefix() {
        assertThat(ProcessFigures.statusField(STATUS, "Vm" + "Peak")).isEqualTo(3_845_236);
        assertThatThrownBy(() -> ProcessFigures.statusField(STATUS, "Vm"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsOnlyDescriptorsThatAreSockets() {
        List<String> targets = List.of("/dev/null", "socket:[31337]", "pipe:[4026]", "anon_inode:[eventpoll]",
                "/tmp/sluice-memory/worker.log", "socket:[31338]");

        assertThat(ProcessFigures.countSockets(targets)).isEqualTo(2);
    }

    @Test
    void readsThisProcessFromProc() {
        ProcessFigures figures = ProcessFigures.read(ProcessHandle.current().pid());

        assertThat(figures.threads()).isPositive();
        assertThat(figures.rssKib()).isPositive();
        assertThat(figures.openFiles()).isGreaterThanOrEqualTo(figures.sockets());
    }
}
