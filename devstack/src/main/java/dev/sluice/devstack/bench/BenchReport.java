package dev.sluice.devstack.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Prints the benchmark's figures: one labelled block per phase, the goals, and a machine-readable line. */
final class BenchReport {

    private static final String LABEL = "    %-20s %s%n";

    private final PrintStream out;

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void header(BenchOptions options, UpstreamLatency upstream) {
        out.printf("%nSluice submit benchmark%n");
        out.printf(LABEL, "api", options.baseUrl());
        out.printf(LABEL, "model", options.model());
        out.printf(LABEL, "jobs", count(options.singleClientJobs()) + " (1 client), " + count(options.jobs())
                + " (32 clients), " + count(options.batchSize()) + " (batch)");
        out.printf(LABEL, "prompts", "50-2,000 chars, max_tokens 64-256, seed " + options.seed()
                + " (repeat with --seed " + options.seed() + ")");
        out.printf(LABEL, "upstream latency", upstream.millis() + " ms, " + upstream.source());
    }

    void submitPhase(int number, SubmitLoad.Result phase) {
        out.printf("%n[%d] single submits, %s%n", number, phase.label());
        out.printf(LABEL, "accepted", count(phase.accepted()) + " of " + count(phase.planned()) + " in "
                + seconds(phase.elapsed().toNanos()) + " s  ->  " + rate(phase.acceptedPerSecond()) + " jobs/s");
        if (phase.attempted() < phase.planned()) {
            out.printf(LABEL, "", "stopped at the time limit after " + count(phase.attempted()) + " submits");
        }
        out.printf(LABEL, "submit latency", phase.latency().describe(true));
        out.printf(LABEL, "errors", errors(phase.errors()));
    }

    void batch(int number, BatchSubmit.Result batch) {
        out.printf("%n[%d] one batch of %s jobs in one POST%n", number, count(batch.planned()));
        if (batch.isAccepted()) {
            out.printf(LABEL, "time to 202", count(batch.toAccepted().toMillis()) + " ms  ->  "
                    + rate(batch.acceptedPerSecond()) + " jobs/s accepted");
            out.printf(LABEL, "batch", batch.batchId() + " (" + count(batch.jobIds().size()) + " job ids)");
        } else {
            String status = batch.status() == 0 ? "no answer" : "HTTP " + batch.status();
            out.printf(LABEL, "not accepted", status + " after " + count(batch.toAccepted().toMillis()) + " ms: "
                    + batch.problem());
        }
    }

    void endToEnd(int number, EndToEnd figures, UpstreamLatency upstream, int pollErrors) {
        out.printf("%n[%d] end to end (%s jobs, waited %s s)%n", number, count(figures.tracked()),
                seconds(figures.waited().toNanos()));
        StringJoiner statuses = new StringJoiner("   ");
        figures.byStatus().forEach((status, jobs) -> statuses.add(status + " " + count(jobs)));
        out.printf(LABEL, "final status", statuses);
        out.printf(LABEL, "lost / unfinished", count(figures.unfinished()));
        out.printf(LABEL, "end to end", figures.endToEnd().describe(false)
                + "   (succeeded jobs, completed_at - created_at)");
        out.printf(LABEL, "overhead", figures.overhead().describe(false)
                + "   (end to end - " + upstream.millis() + " ms upstream)");
        out.printf(LABEL, "overhead, 1 client", figures.lightOverhead().describe(false) + "   (light load)");
        if (!upstream.isKnown()) {
            out.printf(LABEL, "", "upstream latency unknown: pass --upstream-latency-ms or --simulator-url");
        }
        if (pollErrors > 0) {
            out.printf(LABEL, "poll errors", count(pollErrors) + " (re-polled next round)");
        }
    }

    void simulatorCounters(String simulator, Map<String, Long> increases) {
        out.printf("%nSimulator %s, counters during the run%n", simulator);
        if (increases.isEmpty()) {
            out.printf(LABEL, "", "no change");
        }
        increases.forEach((counter, increase) -> out.printf(LABEL, counter, "+" + count(increase)));
    }

    void goals(List<Goal> goals) {
        out.printf("%nGoals%n");
        for (Goal goal : goals) {
            String verdict = goal.verdict() == Goal.Verdict.NOT_MEASURED ? "n/a " : goal.verdict().name();
            out.printf("    %-4s  %-38s %-16s measured %s%n", verdict, goal.name(), goal.target(), goal.measured());
        }
    }

    /** One line of key=value pairs for scripts; a figure that could not be measured is {@code na}. */
    void machineLine(BenchOptions options, SubmitLoad.Result oneClient, SubmitLoad.Result manyClients,
                     BatchSubmit.Result batch, EndToEnd figures, UpstreamLatency upstream, List<Goal> goals) {
        StringJoiner line = new StringJoiner(" ", "BENCH ", "");
        line.add("submit_1c_per_s=" + plain(oneClient.acceptedPerSecond()));
        line.add("submit_1c_p50_ms=" + millisOrNa(oneClient.latency(), oneClient.latency().p50Micros()));
        line.add("submit_1c_p99_ms=" + millisOrNa(oneClient.latency(), oneClient.latency().p99Micros()));
        line.add("submit_32c_per_s=" + plain(manyClients.acceptedPerSecond()));
        line.add("submit_32c_p50_ms=" + millisOrNa(manyClients.latency(), manyClients.latency().p50Micros()));
        line.add("submit_32c_p99_ms=" + millisOrNa(manyClients.latency(), manyClients.latency().p99Micros()));
        line.add("submit_errors=" + (errorCount(oneClient) + errorCount(manyClients)));
        line.add("batch_jobs=" + batch.planned());
        line.add("batch_ms=" + (batch.isAccepted() ? String.valueOf(batch.toAccepted().toMillis()) : "na"));
        line.add("batch_per_s=" + (batch.isAccepted() ? plain(batch.acceptedPerSecond()) : "na"));
        line.add("e2e_p50_ms=" + millisOrNa(figures.endToEnd(), figures.endToEnd().p50Micros()));
        line.add("e2e_p99_ms=" + millisOrNa(figures.endToEnd(), figures.endToEnd().p99Micros()));
        line.add("overhead_p50_ms=" + millisOrNa(figures.overhead(), figures.overhead().p50Micros()));
        line.add("overhead_p99_ms=" + millisOrNa(figures.overhead(), figures.overhead().p99Micros()));
        line.add("overhead_p50_light_ms=" + millisOrNa(figures.lightOverhead(), figures.lightOverhead().p50Micros()));
        line.add("overhead_p99_light_ms=" + millisOrNa(figures.lightOverhead(), figures.lightOverhead().p99Micros()));
        figures.byStatus().forEach((status, jobs) -> line.add(status.replace(' ', '_') + "=" + jobs));
        line.add("unfinished=" + figures.unfinished());
        line.add("upstream_latency_ms=" + (upstream.isKnown() ? String.valueOf(upstream.millis()) : "na"));
        line.add("seed=" + options.seed());
        long passed = goals.stream().filter(goal -> goal.verdict() == Goal.Verdict.PASS).count();
        line.add("goals_passed=" + passed + "/" + goals.size());
        out.printf("%n%s%n", line);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.1f", perSecond);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    private static String plain(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String millisOrNa(Percentiles percentiles, long micros) {
        return percentiles.isEmpty() ? "na" : Percentiles.millis(micros);
    }

    private static int errorCount(SubmitLoad.Result phase) {
        return phase.errors().values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String errors(Map<String, Integer> errors) {
        if (errors.isEmpty()) {
            return "none";
        }
        StringJoiner byStatus = new StringJoiner(", ");
        errors.forEach((status, times) -> byStatus.add(status + ": " + count(times)));
        return byStatus.toString();
    }
}
