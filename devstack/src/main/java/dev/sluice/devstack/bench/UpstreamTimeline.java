package dev.sluice.devstack.bench;

import dev.sluice.devstack.simulator.SimulatorStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The upstream's counters, sampled every 250 ms during a drain. Against the simulator they are its own counters, so
 * steady-state rates are what the upstream counted, not what Sluice believes it sent; against an external upstream
 * they are read from Sluice's side ({@link SluiceSideCounters}).
 */
final class UpstreamTimeline implements AutoCloseable {

    record Sample(long atNanos, SimulatorStats stats) {
    }

    private final Supplier<SimulatorStats> counters;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "bench-sampler");
        thread.setDaemon(true);
        return thread;
    });

    UpstreamTimeline(Supplier<SimulatorStats> counters) {
        this.counters = counters;
        sample();
        sampler.scheduleAtFixedRate(this::sample, 250, 250, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        SimulatorStats stats = counters.get();
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
