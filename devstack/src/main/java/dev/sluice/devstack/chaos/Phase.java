package dev.sluice.devstack.chaos;

import dev.sluice.devstack.simulator.SimulatorStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * One phase of a chaos run while it happens: a fault and the calm after it (or the calm before the first fault). It
 * collects the jobs submitted during it, the submits refused, whether a circuit was seen open, the upstream's counters
 * at its start, and notes on what was done. Written by the load's threads, the sampler and the run.
 */
final class Phase {

    private final String name;
    private final Fault fault;
    private final SimulatorStats upstreamAtStart;
    private final long circuitLogLinesAtStart;
    private final Queue<UUID> accepted = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private volatile boolean circuitSeenOpen;
    private volatile long jobsAtRisk;

    Phase(String name, Fault fault, SimulatorStats upstreamAtStart, long circuitLogLinesAtStart) {
        this.name = Objects.requireNonNull(name, "name");
        this.fault = fault;
        this.upstreamAtStart = Objects.requireNonNull(upstreamAtStart, "upstreamAtStart");
        this.circuitLogLinesAtStart = circuitLogLinesAtStart;
    }

    String name() {
        return name;
    }

    /** Empty for the calm phase before the first fault. */
    Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    SimulatorStats upstreamAtStart() {
        return upstreamAtStart;
    }

    long circuitLogLinesAtStart() {
        return circuitLogLinesAtStart;
    }

    void accepted(UUID jobId) {
        accepted.add(jobId);
    }

    List<UUID> acceptedJobs() {
        return List.copyOf(accepted);
    }

    /** A submit the api did not accept: {@code reason} is the HTTP status or what went wrong. */
    void refused(String reason, long jobs) {
        refusals.computeIfAbsent(reason, ignored -> new LongAdder()).add(jobs);
    }

    Map<String, Long> refusals() {
        Map<String, Long> counts = new TreeMap<>();
        refusals.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    long refusedJobs() {
        return refusals.values().stream().mapToLong(LongAdder::sum).sum();
    }

    void circuitSeenOpen() {
        circuitSeenOpen = true;
    }

    boolean wasCircuitSeenOpen() {
        return circuitSeenOpen;
    }

    /** Jobs this phase's fault put at risk of a second paid upstream call (see {@link ChaosRun}). */
    void jobsAtRisk(long jobs) {
        jobsAtRisk = jobs;
    }

    long jobsAtRisk() {
        return jobsAtRisk;
    }

    synchronized void note(String text) {
        notes.add(text);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }
}
