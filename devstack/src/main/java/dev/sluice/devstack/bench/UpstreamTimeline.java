package dev.sluice.devstack.bench;

import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The upstream's own counters, sampled every 250 ms during a drain, so steady-state rates are what the upstream
 * counted, not what Sluice believes it sent.
 */
final class UpstreamTimeline implements AutoCloseable {

    record Sample(long atNanos, SimulatorStats stats) {
    }

    private final UpstreamSimulator simulator;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "bench-sampler");
        thread.setDaemon(true);
        return thread;
    });

    UpstreamTimeline(UpstreamSimulator simulator) {
        this.simulator = simulator;
        sample();
        sampler.scheduleAtFixedRate(this::sample, 250, 250, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        SimulatorStats stats = simulator.stats();
        synchronized (samples) {
            samples.add(new Sample(System.nanoTime(), stats));
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        sample();
    }
}
