package dev.sluice.devstack.chaos;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What happened to the jobs submitted during one phase (its fault and the calm after it), and what the upstream saw
 * while it lasted.
 *
 * @param accepted       jobs the api answered 202 for (singles and batch jobs)
 * @param refused        submits the api did not accept (any other status, or no answer)
 * @param failedByCode   failed jobs by their error code
 * @param notTerminal    jobs still queued, running or waiting after the bounded wait at the end: lost
 * @param duplicateCalls upstream calls answered 200 for a job that had been answered 200 before (paid twice): for the
 *                       jobs this phase's fault put at risk, and for other jobs submitted in this phase
 * @param duplicateBound how many duplicates the phase's fault can explain: the jobs it put at risk (jobs a stopped
 *                       worker left running, calls stalled past the timeout); 0 where a fault gives no reason for any
 * @param rateLimited    429 answers of the upstream
 * @param circuitOpened  whether a model's circuit was seen open (gauge or log)
 */
record PhaseFigures(String phase,
                    long accepted,
                    long refused,
                    long succeeded,
                    Map<String, Long> failedByCode,
                    long expired,
                    long cancelled,
                    long notTerminal,
                    long duplicateCalls,
                    long duplicateBound,
                    long rateLimited,
                    boolean circuitOpened) {

    PhaseFigures {
        Objects.requireNonNull(phase, "phase");
        failedByCode = Map.copyOf(failedByCode);
    }

    long failed() {
        return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The sum of every phase; a circuit opened if it opened in any phase. */
    static PhaseFigures total(List<PhaseFigures> phases) {
        Map<String, Long> failed = new TreeMap<>();
        for (PhaseFigures phase : phases) {
            phase.failedByCode().forEach((code, count) -> failed.merge(code, count, Long::sum));
        }
        return new PhaseFigures("total",
                phases.stream().mapToLong(PhaseFigures::accepted).sum(),
                phases.stream().mapToLong(PhaseFigures::refused).sum(),
                phases.stream().mapToLong(PhaseFigures::succeeded).sum(),
                failed,
                phases.stream().mapToLong(PhaseFigures::expired).sum(),
                phases.stream().mapToLong(PhaseFigures::cancelled).sum(),
                phases.stream().mapToLong(PhaseFigures::notTerminal).sum(),
                phases.stream().mapToLong(PhaseFigures::duplicateCalls).sum(),
                phases.stream().mapToLong(PhaseFigures::duplicateBound).sum(),
                phases.stream().mapToLong(PhaseFigures::rateLimited).sum(),
                phases.stream().anyMatch(PhaseFigures::circuitOpened));
    }
}
