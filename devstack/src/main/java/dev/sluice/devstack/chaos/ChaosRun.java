package dev.sluice.devstack.chaos;

import dev.sluice.common.jobs.JobId;
import dev.sluice.devstack.faults.TcpProxy;
import dev.sluice.devstack.simulator.SimulatorStats;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One chaos run against a stack that is already up: a worker JVM, steady load, the faults one after another with a
 * calm period before the first and after each, then the bounded wait for every accepted job to end and the table.
 * Phase figures count the jobs submitted during the phase, wherever they ended; 429s are what the upstream saw during
 * the phase; duplicate paid calls go to the fault that put the job at risk, or else to the job's phase
 * ({@link DuplicateCalls}).
 */
final class ChaosRun {

    private final ChaosOptions options;
    private final UpstreamSimulator simulator;
    private final ChaosWorkers workers;
    private final JobCensus census;
    private final UUID tenantId;
    private final String runId;
    private final DependencyProxies proxies;
    private final ChaosLoad load;
    private final List<Phase> phases = new ArrayList<>();
    /** Jobs a fault put at risk of a second paid call, with the phase of that fault (the first one to do so). */
    private final Map<UUID, Phase> atRisk = new HashMap<>();
    /** When the worker was signalled, for the phases that stopped one. */
    private final Map<Phase, Instant> signalledAt = new HashMap<>();
    private final List<String> memoryLines = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private volatile Phase current;
    private WorkerMemory lastWorkerStart;
    private String lastWorkerStartedIn;

    ChaosRun(ChaosOptions options, UpstreamSimulator simulator, ChaosWorkers workers, JobCensus census,
             UUID tenantId, String runId, DependencyProxies proxies, ChaosLoad load) {
        this.options = options;
        this.simulator = simulator;
        this.workers = workers;
        this.census = census;
        this.tenantId = tenantId;
        this.runId = runId;
        this.proxies = proxies;
        this.load = load;
    }

    /** Runs everything and prints the table. */
    void run() throws Exception {
        simulator.behaviour().resetToDefaults()
                .setLatency(options.upstreamLatency(), options.upstreamLatency().dividedBy(2))
                .setRateLimits(options.upstreamRpm(), 0);
        progress("starting the worker JVM");
        WorkerProcess first = workers.startFresh();
        lastWorkerStart = workers.memory(first);
        lastWorkerStartedIn = "the start";
        progress("worker 1 (pid " + first.pid() + ") ready: " + lastWorkerStart.describe());

        begin("calm", null);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "chaos-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
        load.start(() -> current);
        try {
            progress(String.format("load on: %d single jobs/s%s; calm for %d s", options.jobsPerSecond(),
                    options.batchSize() > 0 ? String.format(" + a batch of %d every %d s", options.batchSize(),
                            options.batchEvery().toSeconds()) : "", options.calmDuration().toSeconds()));
            sleep(options.calmDuration());
            for (Fault fault : options.faults()) {
                Phase phase = begin(fault.optionName(), fault);
                inject(fault, phase);
                progress(fault.optionName() + " over; calm for " + options.calmDuration().toSeconds() + " s");
                sleep(options.calmDuration());
            }
        } finally {
            load.stop();
        }
        progress("load off; waiting up to " + options.drainTimeout().toSeconds() + " s for every accepted job to end");
        awaitTerminal();
        // calls of a stopped worker, or stalled ones, are still answered (and paid for): count them before reading
        awaitUpstreamIdle();
        sampler.shutdownNow();
        SimulatorStats upstreamAtEnd = simulator.stats();
        long circuitLinesAtEnd = workers.circuitOpenedLogLines();
        WorkerMemory lastWorkerEnd = workers.memory(workers.current());
        double wallSeconds = (System.nanoTime() - startedNanos) / 1e9;

        List<PhaseFigures> figures = figures(upstreamAtEnd, circuitLinesAtEnd);
        print(figures, load.skippedTicks(), lastWorkerEnd, wallSeconds);
    }

    private void inject(Fault fault, Phase phase) throws Exception {
        long faultStarted = System.nanoTime();
        switch (fault) {
            case OUTAGE -> {
                progress("upstream outage for " + options.outageDuration().toSeconds() + " s");
                SimulatorStats before = simulator.stats();
                long storedBefore = succeeded();
                simulator.behaviour().setOutage(true);
                sleep(options.outageDuration());
                SimulatorStats atEnd = simulator.stats();
                long storedAtEnd = succeeded();
                simulator.behaviour().setOutage(false);
                String storedAgain = awaitStoredAgain(storedAtEnd);
                phase.note(String.format("outage for %d s: %d calls reached the upstream and %d jobs were stored "
                                + "meanwhile; the next job was stored %s after the upstream was back",
                        options.outageDuration().toSeconds(), atEnd.chatRequests() - before.chatRequests(),
                        storedAtEnd - storedBefore, storedAgain));
            }
            case ERRORS -> {
                progress("10 % 500s + 2 % dropped connections for " + options.faultDuration().toSeconds() + " s");
                simulator.behaviour().setErrorRate(0.10).setDropRate(0.02);
                sleep(options.faultDuration());
                simulator.behaviour().setErrorRate(0).setDropRate(0);
            }
            case STALLS -> {
                progress(String.format("1 %% of calls stall %d s (worker timeout %d s) for %d s",
                        options.stallDuration().toSeconds(), options.upstreamTimeout().toSeconds(),
                        options.faultDuration().toSeconds()));
                simulator.behaviour().setStallDuration(options.stallDuration()).setStallRate(0.01);
                sleep(options.faultDuration());
                simulator.behaviour().setStallRate(0);
                // a stalled call is answered (and paid for) after the worker gave up on it: its retry is a second call
                long stalled = simulator.stalledClientRequestIds().stream()
                        .flatMap(id -> JobId.parse(id).stream())
                        .filter(job -> atRisk.putIfAbsent(job.value(), phase) == null)
                        .count();
                phase.jobsAtRisk(stalled);
                phase.note(stalled + " calls stalled past the worker's timeout");
            }
            case KILL -> stopWorker(phase, true, faultStarted);
            case TERM -> stopWorker(phase, false, faultStarted);
            case REDIS -> cut(phase, "Redis", proxies.redis());
            case POSTGRES -> cut(phase, "PostgreSQL", proxies.postgres());
        }
    }

    /**
     * SIGKILL or SIGTERM to the worker in the middle of the load, then a fresh worker. The jobs left running once the
     * process is gone are the ones it held and did not finish: only their upstream calls can be made twice.
     */
    private void stopWorker(Phase phase, boolean kill, long faultStarted) throws Exception {
        WorkerProcess victim = workers.current();
        int number = workers.startedCount();
        WorkerMemory before = workers.memory(victim);
        memoryLines.add(String.format("worker %d (pid %d): at %s %s; before its %s %s", number, victim.pid(),
                lastWorkerStartedIn, lastWorkerStart.describe(), kill ? "SIGKILL" : "SIGTERM", before.describe()));
        // the full GC above paused the worker; let it take calls again, so the signal lands in ordinary work
        sleep(Duration.ofSeconds(3));
        long callsInFlight = simulator.stats().inFlight();
        long signalled = System.nanoTime();
        signalledAt.put(phase, Instant.now());
        if (kill) {
            progress("SIGKILL to worker " + number + " (pid " + victim.pid() + ")");
            victim.kill();
        } else {
            progress("SIGTERM to worker " + number + " (pid " + victim.pid() + ")");
            victim.terminate();
            if (!victim.awaitExit(Duration.ofSeconds(90))) {
                phase.note("worker " + number + " did not exit within 90 s of SIGTERM; SIGKILLed");
                victim.kill();
            }
        }
        double exitSeconds = (System.nanoTime() - signalled) / 1e9;
        Set<UUID> leftRunning = census.running(tenantId);
        long held = leftRunning.stream().filter(job -> atRisk.putIfAbsent(job, phase) == null).count();
        phase.jobsAtRisk(held);
        phase.note(String.format("%s worker %d: %d calls in flight at the upstream, %d jobs left running%s%s",
                kill ? "SIGKILL" : "SIGTERM", number, callsInFlight, held,
                held < leftRunning.size() ? String.format(" (and %d still left from an earlier stop)",
                        leftRunning.size() - held) : "",
                kill ? "" : String.format("; it exited %.1f s after the signal, with code %d", exitSeconds,
                        victim.exitValue())));
        long restarting = System.nanoTime();
        WorkerProcess fresh = workers.startFresh();
        double readySeconds = (System.nanoTime() - restarting) / 1e9;
        lastWorkerStart = workers.memory(fresh);
        lastWorkerStartedIn = "its start (" + phase.name() + ")";
        phase.note(String.format("worker %d (pid %d) ready %.1f s after it was started", workers.startedCount(),
                fresh.pid(), readySeconds));
        progress(String.format("worker %d (pid %d) ready in %.1f s; %d jobs were left running", workers.startedCount(),
                fresh.pid(), readySeconds, held));
        Duration left = options.faultDuration().minusNanos(System.nanoTime() - faultStarted);
        if (!left.isNegative()) {
            sleep(left);
        }
    }

    /**
     * Cuts the worker's way to a dependency for the fault's length (every connection reset, new ones refused), then
     * restores it and waits (up to a minute) until a job is stored again.
     */
    private void cut(Phase phase, String dependency, TcpProxy proxy) throws InterruptedException {
        progress(dependency + " unreachable from the worker for " + options.faultDuration().toSeconds() + " s");
        SimulatorStats before = simulator.stats();
        long storedBefore = succeeded();
        proxy.cut();
        sleep(options.faultDuration());
        SimulatorStats atRestore = simulator.stats();
        long storedAtRestore = succeeded();
        proxy.restore();
        String storedAgain = awaitStoredAgain(storedAtRestore);
        phase.note(String.format("%s cut for %d s: %d upstream calls made and %d jobs stored meanwhile; "
                        + "the next job was stored %s after the restore", dependency,
                options.faultDuration().toSeconds(), atRestore.chatRequests() - before.chatRequests(),
                storedAtRestore - storedBefore, storedAgain));
        progress(dependency + " back; the next job was stored " + storedAgain + " after the restore");
    }

    /** Waits (up to a minute) until more than {@code stored} jobs have succeeded; says how long that took. */
    private String awaitStoredAgain(long stored) throws InterruptedException {
        long from = System.nanoTime();
        long deadline = from + TimeUnit.SECONDS.toNanos(60);
        while (succeeded() == stored) {
            if (System.nanoTime() > deadline) {
                return "not within 60 s";
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return String.format("%.1f s", (System.nanoTime() - from) / 1e9);
    }

    private long succeeded() {
        return census.countByStatus(tenantId).getOrDefault("succeeded", 0L);
    }

    private Phase begin(String name, Fault fault) {
        Phase phase = new Phase(name, fault, simulator.stats(), workers.circuitOpenedLogLines());
        phases.add(phase);
        current = phase;
        return phase;
    }

    private void sample() {
        try {
            Phase phase = current;
            if (phase != null && workers.isCircuitOpenNow()) {
                phase.circuitSeenOpen();
            }
        } catch (RuntimeException e) {
            // a worker being replaced; the next sample reads the fresh one
        }
    }

    private void awaitTerminal() throws InterruptedException {
        List<UUID> all = phases.stream().flatMap(phase -> phase.acceptedJobs().stream()).toList();
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        long lastPrinted = 0;
        while (true) {
            long notTerminal = census.notTerminal(all);
            if (notTerminal == 0 || System.nanoTime() > deadline) {
                progress(String.format("%,d jobs accepted, %,d not terminal", all.size(), notTerminal));
                return;
            }
            if (System.nanoTime() - lastPrinted > TimeUnit.SECONDS.toNanos(10)) {
                progress(String.format("%,d jobs accepted, %,d not terminal yet %s", all.size(), notTerminal,
                        census.countByStatus(tenantId)));
                lastPrinted = System.nanoTime();
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private void awaitUpstreamIdle() throws InterruptedException {
        long deadline = System.nanoTime() + options.stallDuration().plusSeconds(10).toNanos();
        while (simulator.stats().inFlight() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private List<PhaseFigures> figures(SimulatorStats upstreamAtEnd, long circuitLinesAtEnd) {
        Map<UUID, String> submittedIn = new HashMap<>();
        phases.forEach(phase -> phase.acceptedJobs().forEach(job -> submittedIn.put(job, phase.name())));
        Map<UUID, String> riskPhases = new HashMap<>();
        atRisk.forEach((job, phase) -> riskPhases.put(job, phase.name()));
        Map<String, Long> duplicates = DuplicateCalls.byPhase(simulator.duplicatePaidCallsByClientRequestId(),
                riskPhases, submittedIn);
        List<PhaseFigures> figures = new ArrayList<>();
        for (int index = 0; index < phases.size(); index++) {
            Phase phase = phases.get(index);
            boolean last = index == phases.size() - 1;
            SimulatorStats from = phase.upstreamAtStart();
            SimulatorStats to = last ? upstreamAtEnd : phases.get(index + 1).upstreamAtStart();
            long circuitLinesTo = last ? circuitLinesAtEnd : phases.get(index + 1).circuitLogLinesAtStart();
            JobCensus.Counts counts = census.count(phase.acceptedJobs());
            figures.add(new PhaseFigures(phase.name(), phase.acceptedJobs().size(), phase.refusedJobs(),
                    counts.succeeded(), counts.failedByCode(), counts.expired(), counts.cancelled(),
                    counts.notTerminal(), duplicates.getOrDefault(phase.name(), 0L), phase.jobsAtRisk(),
                    to.rateLimited() - from.rateLimited(),
                    phase.wasCircuitSeenOpen() || circuitLinesTo > phase.circuitLogLinesAtStart()));
        }
        Long notOurs = duplicates.get(DuplicateCalls.NOT_OURS);
        if (notOurs != null) {
            System.out.printf("%,d duplicate upstream calls were for no job of this run%n", notOurs);
        }
        return figures;
    }

    private void print(List<PhaseFigures> figures, long skippedTicks, WorkerMemory lastWorkerEnd, double wallSeconds) {
        System.out.printf("%nSluice chaos run %s: %.0f s. Jobs are counted in the phase they were submitted in (its "
                + "fault and the calm after it); 429s are what%nthe upstream answered during the phase. A duplicate "
                + "(a second paid call for one job) counts for the fault that put the job at risk%n(a stopped worker "
                + "left it running, its call stalled past the timeout), else for the phase the job was submitted in; "
                + "the bound%nis how many jobs the fault put at risk.%n%n", runId, wallSeconds);
        ChaosTable.markdown(figures).forEach(System.out::println);
        System.out.println();
        System.out.println("What was done:");
        for (Phase phase : phases) {
            String what = phase.fault().map(Fault::description).orElse("no fault");
            System.out.printf("- %s: %s%n", phase.name(), what);
            phase.notes().forEach(note -> System.out.printf("    %s%n", note));
            if (signalledAt.containsKey(phase) && phase.jobsAtRisk() > 0) {
                List<UUID> held = atRisk.entrySet().stream().filter(entry -> entry.getValue() == phase)
                        .map(Map.Entry::getKey).toList();
                census.lastCompletedAt(held).ifPresent(last -> System.out.printf(
                        "    the %d jobs it left running had all ended %.1f s after the signal%n", held.size(),
                        Duration.between(signalledAt.get(phase), last).toMillis() / 1000.0));
            }
            phase.refusals().forEach((reason, count) -> System.out.printf("    refused submits: %,d × %s%n", count,
                    reason));
        }
        if (skippedTicks > 0) {
            System.out.printf("- the load skipped %,d submits because %d were still waiting for the api%n",
                    skippedTicks, ChaosLoad.MAX_OUTSTANDING);
        }
        System.out.println();
        System.out.println("Worker memory (JVM -Xmx512m -XX:+UseSerialGC; RSS from /proc/<pid>/status, heap used "
                + "after jcmd <pid> GC.run):");
        memoryLines.forEach(line -> System.out.println("  " + line));
        System.out.printf("  worker %d (pid %d, the last one): at %s %s; at the end %s%n", workers.startedCount(),
                workers.current().pid(), lastWorkerStartedIn, lastWorkerStart.describe(), lastWorkerEnd.describe());
        if (workers.startedCount() > 1) {
            System.out.println("  The worker was replaced during the run: the BENCH line gives the last one's start "
                    + "and end.");
        }
        System.out.println();
        ChaosTable.benchLines(figures, lastWorkerStart, lastWorkerEnd, wallSeconds).forEach(System.out::println);
    }

    private void progress(String message) {
        System.out.printf("[chaos %5.0f s] %s%n", (System.nanoTime() - startedNanos) / 1e9, message);
    }

    private static void sleep(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }
}
