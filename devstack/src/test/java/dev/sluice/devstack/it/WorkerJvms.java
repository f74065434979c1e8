package dev.sluice.devstack.it;

import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.workers.WorkerProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Worker JVMs ({@code java -jar <worker jar>}, the production artifact) for the fault tests, in place of the test
 * stack's in-process worker: they join its consumer groups against its broker, PostgreSQL, Redis and simulator.
 * Creating this stops the in-process worker, so only these JVMs take jobs; {@link #close} ends every JVM still
 * running and starts it again.
 */
final class WorkerJvms implements AutoCloseable {

    /** Where the api and worker JVMs that tests start write their output: devstack/target/worker-jvms. */
    static final Path LOGS = Path.of("target", "worker-jvms");

    /**
     * Classic consumer groups notice a SIGKILLed member only when its session times out (45 s by default). 6 s is the
     * broker's minimum, so a killed worker's partitions move to the next one within seconds.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", // C1 only: faster start-up on 2 busy cores, and these JVMs live seconds
            "-Dspring.kafka.consumer.properties.session.timeout.ms=6000",
            "-Dspring.kafka.consumer.properties.heartbeat.interval.ms=1500");

    private final String name;
    private final Map<String, String> environment;
    private final List<WorkerProcess> started = new ArrayList<>();

    private WorkerJvms(String name, Map<String, String> environment) {
        this.name = name;
        this.environment = environment;
    }

    /**
     * Stops the stack's in-process worker. {@code settings} are environment variables for every JVM, on top of the
     * ones pointing it at the stack; unless given, the upstream name (the Redis budget) is fresh for this test.
     */
    static WorkerJvms insteadOfTheStackWorker(String name, Map<String, String> settings) {
        SluiceStack stack = TestStack.get();
        Map<String, String> environment = TestStack.processEnvironment(stack.bootstrapServers(), TestStack.DATABASE_URL,
                TestStack.JOBS_PARTITIONS, name);
        // SLUICE_WORKER_GROUP is left at its default, the consumer groups of the stack's worker
        environment.putAll(settings);
        WorkerJvms workers = new WorkerJvms(name, environment);
        stack.stopWorker();
        return workers;
    }

    /** Starts one more worker JVM; it logs to target/worker-jvms/. Returns at once (see {@link WorkerProcess#isReady}). */
    WorkerProcess start() throws IOException {
        Path log = LOGS.resolve(name + "-" + (started.size() + 1) + ".log");
        WorkerProcess worker = WorkerProcess.start(environment, JVM_OPTIONS, log);
        started.add(worker);
        return worker;
    }

    /** SIGTERM to every JVM still running (SIGKILL after 60 s), then the stack's own worker starts again. */
    @Override
    public void close() throws InterruptedException {
        try {
            for (WorkerProcess worker : started) {
                worker.close();
            }
        } finally {
            for (WorkerProcess worker : started) {
                if (worker.isAlive()) {
                    worker.kill();
                }
            }
            TestStack.get().startWorker();
        }
    }

    /** For {@code @AfterAll}: ends the JVMs (if they were started) and puts the simulator back to its defaults. */
    static void endAndHealTheUpstream(WorkerJvms workers) throws InterruptedException {
        try {
            if (workers != null) {
                workers.close();
            }
        } finally {
            TestStack.simulator().behaviour().resetToDefaults();
        }
    }
}
