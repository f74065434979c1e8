package dev.sluice.devstack.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosTableTest {

    private static final PhaseFigures CALM = new PhaseFigures("calm", 600, 0, 600, Map.of(), 0, 0, 0, 0, 0, 0, false);
    private static final PhaseFigures KILL = new PhaseFigures("kill", 900, 2, 895,
            Map.of("timeout", 1L, "server_error", 3L), 1, 0, 1, 12, 40, 5, true);

    @Test
    void failedJobsReadAsACountWithTheirCodesMostFirst() {
        assertThat(ChaosTable.failedByCode(Map.of())).isEqualTo("0");
        assertThat(ChaosTable.failedByCode(Map.of("timeout", 1L, "server_error", 3L)))
                .isEqualTo("4 (server_error 3, timeout 1)");
    }

    @Test
    void theTotalSumsEveryPhase() {
        PhaseFigures total = PhaseFigures.total(List.of(CALM, KILL));

        assertThat(total.accepted()).isEqualTo(1_500);
        assertThat(total.failedByCode()).containsEntry("server_error", 3L).containsEntry("timeout", 1L);
        assertThat(total.notTerminal()).isEqualTo(1);
        assertThat(total.duplicateCalls()).isEqualTo(12);
        assertThat(total.duplicateBound()).isEqualTo(40);
        assertThat(total.circuitOpened()).isTrue();
    }

    @Test
    void theMarkdownTableHasARowPerPhaseAndABoldTotal() {
        List<String> lines = ChaosTable.markdown(List.of(CALM, KILL));

        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).isEqualTo("| calm | 600 | 0 | 600 | 0 | 0 | 0 | 0 (≤ 0) | 0 | no |");
        assertThat(lines.get(3)).isEqualTo("| kill | 900 | 2 | 895 | 4 (server_error 3, timeout 1) | 1 | 1 | 12 (≤ 40) | 5 | yes |");
        assertThat(lines.get(4)).startsWith("| **total** | 1,500 |").contains("| **1** |");
    }

    @Test
    void duplicatesBeyondTheirBoundStandOut() {
        PhaseFigures unexplained = new PhaseFigures("postgres", 10, 0, 10, Map.of(), 0, 0, 0, 3, 0, 0, false);

        assertThat(ChaosTable.markdown(List.of(unexplained)).get(2)).contains("| **3 (≤ 0)** |");
    }

    @Test
    void benchLinesCarryEveryFigureAndTheLastWorkersMemory() {
        WorkerMemory start = new WorkerMemory(1, OptionalLong.of(400L << 20), OptionalLong.of(80L << 20));
        WorkerMemory end = new WorkerMemory(1, OptionalLong.of(450L << 20), OptionalLong.empty());

        List<String> lines = ChaosTable.benchLines(List.of(CALM, KILL), start, end, 312.4);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("BENCH chaos phase=kill accepted=900 refused=2 succeeded=895 failed=4 "
                + "failed_codes=server_error:3,timeout:1 expired=1 not_terminal=1 duplicates=12 duplicate_bound=40 "
                + "rate_limited=5 circuit_opened=true");
        assertThat(lines.get(2)).startsWith("BENCH chaos phase=total accepted=1500 ")
                .endsWith("worker_rss_start_mb=400 worker_rss_end_mb=450 worker_heap_start_mb=80 worker_heap_end_mb=- "
                        + "wall_s=312");
    }
}
