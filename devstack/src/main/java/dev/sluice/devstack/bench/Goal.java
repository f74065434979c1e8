package dev.sluice.devstack.bench;

import java.util.ArrayList;
import java.util.List;

/** One of Sluice's performance goals next to the figure measured for it. */
record Goal(String name, String target, String measured, Verdict verdict) {

    enum Verdict { PASS, MISS, NOT_MEASURED }

    static final double SUBMITS_PER_SECOND_AT_32_CLIENTS = 2_000;
    static final int BATCH_SIZE = 10_000;
    static final long BATCH_ACCEPT_MILLIS = 2_000;
    static final long LIGHT_LOAD_OVERHEAD_P50_MILLIS = 20;

    static List<Goal> judge(SubmitLoad.Result manyClients, BatchSubmit.Result batch, EndToEnd endToEnd) {
        List<Goal> goals = new ArrayList<>();
        double rate = manyClients.acceptedPerSecond();
        goals.add(new Goal("single submits, 32 clients", ">= 2,000 jobs/s", BenchReport.rate(rate) + " jobs/s",
                rate >= SUBMITS_PER_SECOND_AT_32_CLIENTS ? Verdict.PASS : Verdict.MISS));
        goals.add(batchGoal(batch));
        Percentiles light = endToEnd.lightOverhead();
        goals.add(new Goal("overhead p50, light load (1 client)", "<= 20 ms",
                light.isEmpty() ? "n/a (no succeeded jobs)" : Percentiles.millis(light.p50Micros()) + " ms",
                !light.isEmpty() && light.p50Micros() <= LIGHT_LOAD_OVERHEAD_P50_MILLIS * 1_000
                        ? Verdict.PASS : Verdict.MISS));
        goals.add(new Goal("jobs not terminal (lost / unfinished)", "0", BenchReport.count(endToEnd.unfinished()),
                endToEnd.unfinished() == 0 ? Verdict.PASS : Verdict.MISS));
        return goals;
    }

    private static Goal batchGoal(BatchSubmit.Result batch) {
        String name = "10,000-job batch accepted";
        if (!batch.isAccepted()) {
            return new Goal(name, "<= 2,000 ms", "not accepted", Verdict.MISS);
        }
        long millis = batch.toAccepted().toMillis();
        String measured = BenchReport.count(millis) + " ms";
        if (batch.planned() != BATCH_SIZE) {
            return new Goal(name, "<= 2,000 ms", measured + " for " + BenchReport.count(batch.planned()) + " jobs",
                    Verdict.NOT_MEASURED);
        }
        return new Goal(name, "<= 2,000 ms", measured, millis <= BATCH_ACCEPT_MILLIS ? Verdict.PASS : Verdict.MISS);
    }
}
