package dev.sluice.devstack.bench;

import dev.sluice.devstack.workers.WorkerProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The worker processes of one drain run (see {@link WorkerProcess}), started together and ready before it begins. */
final class WorkerProcesses implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final List<WorkerProcess> processes = new ArrayList<>();

    static WorkerProcesses start(int count, Map<String, String> environment, Path logDirectory)
            throws IOException, InterruptedException {
        WorkerProcesses workers = new WorkerProcesses();
        try {
            for (int index = 0; index < count; index++) {
                workers.processes.add(WorkerProcess.start(environment, WorkerProcess.DEFAULT_JVM_OPTIONS,
                        logDirectory.resolve("worker-" + index + ".log")));
            }
            workers.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            workers.close();
            throw e;
        }
        return workers;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        for (WorkerProcess worker : processes) {
            while (!worker.isReady()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + worker.pid() + " not ready within " + READY_WITHIN
                            + "; see " + worker.logFile());
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    /** SIGTERM to all at once, as an orchestrator stops them; each finishes or hands back its jobs, then exits. */
    @Override
    public void close() throws InterruptedException {
        processes.forEach(WorkerProcess::terminate);
        for (WorkerProcess worker : processes) {
            if (!worker.awaitExit(Duration.ofSeconds(60))) {
                worker.kill();
            }
        }
    }
}
