package dev.sluice.worker.jobs;

import dev.sluice.common.health.ReadinessDetail;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The threads a worker cannot work without: the job listeners and the grouped writers. They catch everything a round
 * throws; if one has ended all the same, {@code /ready} fails, so the orchestrator replaces the process instead of
 * leaving it up and hanging every job.
 */
class WorkerThreads implements ReadinessDetail {

    private final List<JobListener> listeners;
    private final JobWrites writes;

    WorkerThreads(List<JobListener> listeners, JobWrites writes) {
        this.listeners = List.copyOf(listeners);
        this.writes = writes;
    }

    @Override
    public String name() {
        return "worker_threads";
    }

    @Override
    public boolean isHealthy() {
        return writes.isAlive() && listeners.stream().allMatch(JobListener::isAlive);
    }

    @Override
    public String describe() {
        String dead = listeners.stream().filter(listener -> !listener.isAlive())
                .map(listener -> listener.name() + " listener").collect(Collectors.joining(", "));
        if (!writes.isAlive()) {
            dead = dead.isEmpty() ? "grouped writers" : dead + ", grouped writers";
        }
        return dead.isEmpty() ? "alive" : "DEAD: " + dead + " (the process must be restarted)";
    }
}
