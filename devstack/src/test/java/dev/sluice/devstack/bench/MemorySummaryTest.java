package dev.sluice.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySummaryTest {

    private static MemorySample sample(long heapKib, long threads, long sockets, long connections) {
        return new MemorySample(0, 0, heapKib, 90_000, threads, sockets, sockets + 80, connections, connections,
                750_000);
    }

    private static MemorySummary.Row row(MemorySummary summary, String figure) {
        return summary.rows().stream().filter(row -> row.figure().equals(figure)).findFirst().orElseThrow();
    }

    @Test
    void aRunThatStaysWithinEveryToleranceIsFlat() {
        MemorySample first = sample(100_000, 118, 289, 20);
        MemorySample last = sample(109_000, 121, 292, 20);

        MemorySummary summary = MemorySummary.of(List.of(first, last), null, null);

        assertThat(summary.isFlat()).isTrue();
        assertThat(summary.rows()).allMatch(MemorySummary.Row::isFlat);
    }

    @Test
    void heapAfterGcThatGrowsByMoreThanTenPercentGrows() {
        MemorySample first = sample(100_000, 118, 289, 20);
        MemorySample last = sample(111_000, 118, 289, 20);

        MemorySummary summary = MemorySummary.of(List.of(first, last), null, null);

        assertThat(row(summary, "heap after full GC").verdict()).isEqualTo("GROWS");
        assertThat(summary.isFlat()).isFalse();
    }

    @Test
    void oneMoreDatabaseConnectionIsToleratedTwoAreNot() {
        MemorySample first = sample(100_000, 118, 289, 20);

        MemorySummary oneMore = MemorySummary.of(List.of(first, sample(100_000, 118, 289, 21)), null, null);
        MemorySummary twoMore = MemorySummary.of(List.of(first, sample(100_000, 118, 289, 22)), null, null);

        assertThat(row(oneMore, "db connections (Hikari)").isFlat()).isTrue();
        assertThat(row(twoMore, "db connections (Hikari)").isFlat()).isFalse();
    }

    @Test
    void socketsMayGrowByTheLargerOfFiveAndFivePercent() {
        MemorySample first = sample(100_000, 118, 300, 20);

        MemorySummary fifteenMore = MemorySummary.of(List.of(first, sample(100_000, 118, 315, 20)), null, null);
        MemorySummary sixteenMore = MemorySummary.of(List.of(first, sample(100_000, 118, 316, 20)), null, null);

        assertThat(row(fifteenMore, "open sockets").isFlat()).isTrue();
        assertThat(row(sixteenMore, "open sockets").isFlat()).isFalse();
    }

    @Test
    void shrinkingIsFlat() {
        MemorySample first = sample(100_000, 130, 300, 20);
        MemorySample last = sample(60_000, 110, 200, 10);

        MemorySummary summary = MemorySummary.of(List.of(first, last), null, null);

        assertThat(summary.isFlat()).isTrue();
        assertThat(row(summary, "heap after full GC").growthText()).isEqualTo("-39.1 MiB (-40.0 %)");
    }

    @Test
    void aFigureThatCouldNotBeReadIsLeftOutOfTheVerdict() {
        MemorySample first = sample(-1, 118, 289, 20);
        MemorySample last = sample(500_000, 118, 289, 20);

        MemorySummary summary = MemorySummary.of(List.of(first, last), null, null);

        assertThat(row(summary, "heap after full GC").verdict()).isEqualTo("n/a");
        assertThat(summary.isFlat()).isTrue();
    }

    @Test
    void showsTheHighestValueUnderLoad() {
        MemorySample first = sample(100_000, 118, 289, 20);
        MemorySample peak = sample(130_000, 125, 289, 20);
        MemorySample last = sample(101_000, 118, 289, 20);

        MemorySummary.Row heap = row(MemorySummary.of(List.of(first, peak, last), null, null), "heap after full GC");

        assertThat(heap.max()).isEqualTo(130_000);
        assertThat(heap.isFlat()).isTrue();
    }

    @Test
    void quietHeapThatGrowsByMoreThanTenPercentGrowsEvenWhenTheLoadedSamplesLookFlat() {
        List<MemorySample> underLoad = List.of(sample(110_000, 118, 289, 20), sample(112_000, 118, 289, 20));

        MemorySummary summary = MemorySummary.of(underLoad, sample(80_000, 118, 280, 20),
                sample(90_000, 118, 280, 20));

        assertThat(row(summary, "heap after full GC").growthText()).isEqualTo("+2.0 MiB (+1.8 %)");
        assertThat(row(summary, "heap after full GC").quietGrowthText()).isEqualTo("+9.8 MiB (+12.5 %)");
        assertThat(row(summary, "heap after full GC").verdict()).isEqualTo("GROWS");
    }

    @Test
    void quietSamplesWithinToleranceKeepTheVerdictFlat() {
        List<MemorySample> underLoad = List.of(sample(110_000, 118, 289, 20), sample(112_000, 118, 289, 20));

        MemorySummary summary = MemorySummary.of(underLoad, sample(80_000, 118, 280, 20),
                sample(84_000, 117, 281, 20));

        assertThat(summary.isFlat()).isTrue();
    }

    @Test
    void withSixOrMoreSamplesStartAndEndAreMediansOfThreeSoOnePeakIsNotGrowth() {
        List<MemorySample> underLoad = List.of(sample(100_000, 118, 289, 20), sample(95_000, 118, 289, 20),
                sample(104_000, 118, 289, 20), sample(120_000, 118, 289, 20), sample(99_000, 118, 289, 20),
                sample(125_000, 118, 289, 20));

        MemorySummary.Row heap = row(MemorySummary.of(underLoad, null, null), "heap after full GC");

        assertThat(heap.first()).isEqualTo(100_000);
        assertThat(heap.last()).isEqualTo(120_000);
        assertThat(heap.max()).isEqualTo(125_000);
        assertThat(heap.verdict()).isEqualTo("GROWS");
    }

    @Test
    void aLoneHighSampleAtTheEndIsOutvotedByItsNeighbours() {
        List<MemorySample> underLoad = List.of(sample(100_000, 118, 289, 20), sample(95_000, 118, 289, 20),
                sample(104_000, 118, 289, 20), sample(101_000, 118, 289, 20), sample(99_000, 118, 289, 20),
                sample(125_000, 118, 289, 20));

        assertThat(row(MemorySummary.of(underLoad, null, null), "heap after full GC").isFlat()).isTrue();
    }
}
