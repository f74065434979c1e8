package dev.sluice.worker.jobs;

import dev.sluice.common.health.ReadinessDetail;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The threads a worker cannot work without: the job consumers and the grouped writers. They catch everything a round
 * throws; if one has ended all the same, {@code /ready} fails, so the orchestrator replaces the process instead of
 * leaving it up and hanging every job.
 */
class WorkerThreads implements ReadinessDetail {

    private final List<JobConsumer> consumers;
    private final JobWrites writes;

    WorkerThreads(List<JobConsumer> consumers, JobWrites writes) {
        this.consumers = List.copyOf(consumers);
        this.writes = writes;
    }

    @Override
    public String name() {
        return "worker_threads";
    }

    @Override
    public boolean isHealthy() {
        return writes.isAlive() && consumers.stream().allMatch(JobConsumer::isAlive);
    }

    @Override
    public String describe() {
        String dead = consumers.stream().filter(consumer -> !consumer.isAlive())
                .map(consumer -> consumer.name() + " listener").collect(Collectors.joining(", "));
        if (!writes.isAlive()) {
            dead = dead.isEmpty() ? "grouped writers" : dead + ", grouped writers";
        }
        return dead.isEmpty() ? "alive" : "DEAD: " + dead + " (the process must be restarted)";
    }
}
