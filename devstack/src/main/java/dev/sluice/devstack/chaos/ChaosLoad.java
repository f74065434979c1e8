package dev.sluice.devstack.chaos;

import dev.sluice.common.jobs.JobId;
import dev.sluice.devstack.bench.SluiceHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Steady load through the api while the faults come and go: single jobs at a fixed rate and a batch every so often.
 * Each submit counts for the phase it started in: its job ids when accepted, its reason when not.
 */
final class ChaosLoad {

    /** Submits waiting for an answer at most; beyond that a tick is skipped (and counted), so the load stays bounded. */
    static final int MAX_OUTSTANDING = 128;
    private static final String MODEL = "gpt-4o-mini";

    private final SluiceHttp api;
    private final JsonMapper json;
    private final ChaosOptions options;
    private final String runId;
    private volatile Supplier<Phase> currentPhase;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "chaos-pacer"));
    private final ExecutorService submitters = Executors.newFixedThreadPool(64, task -> daemon(task, "chaos-submit"));
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong skippedTicks = new AtomicLong();

    ChaosLoad(SluiceHttp api, JsonMapper json, ChaosOptions options, String runId) {
        this.api = api;
        this.json = json;
        this.options = options;
        this.runId = runId;
    }

    /** Starts submitting; each submit counts for the phase {@code currentPhase} gives when it starts. */
    void start(Supplier<Phase> currentPhase) {
        this.currentPhase = currentPhase;
        long period = TimeUnit.SECONDS.toNanos(1) / options.jobsPerSecond();
        pacer.scheduleAtFixedRate(() -> dispatch(this::submitSingle), 0, period, TimeUnit.NANOSECONDS);
        if (options.batchSize() > 0) {
            long every = options.batchEvery().toNanos();
            pacer.scheduleAtFixedRate(() -> dispatch(this::submitBatch), every / 2, every, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops submitting and waits (up to a minute) for the answers to the submits already sent. */
    void stop() throws InterruptedException {
        pacer.shutdownNow();
        pacer.awaitTermination(5, TimeUnit.SECONDS);
        submitters.shutdown();
        submitters.awaitTermination(60, TimeUnit.SECONDS);
    }

    /** Ticks skipped because {@value #MAX_OUTSTANDING} submits were still waiting for the api. */
    long skippedTicks() {
        return skippedTicks.get();
    }

    private void dispatch(SubmitTask task) {
        Phase phase = currentPhase.get();
        if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
            outstanding.decrementAndGet();
            skippedTicks.incrementAndGet();
            return;
        }
        submitters.execute(() -> {
            try {
                task.submit(phase);
            } catch (IOException e) {
                phase.refused("no answer (" + e.getClass().getSimpleName() + ")", 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                phase.refused("client error (" + e.getClass().getSimpleName() + ")", 1);
            } finally {
                outstanding.decrementAndGet();
            }
        });
    }

    private interface SubmitTask {
        void submit(Phase phase) throws IOException, InterruptedException;
    }

    private void submitSingle(Phase phase) throws IOException, InterruptedException {
        SluiceHttp.Reply reply = api.submit(json.writeValueAsBytes(job(phase)));
        if (reply.isAccepted()) {
            phase.accepted(JobId.fromWire(reply.body().path("id").asString()).value());
        } else {
            phase.refused("HTTP " + reply.status(), 1);
        }
    }

    private void submitBatch(Phase phase) throws IOException, InterruptedException {
        ObjectNode batch = json.createObjectNode();
        batch.putObject("metadata").put("chaos_run", runId).put("chaos_phase", phase.name());
        ArrayNode jobs = batch.putArray("jobs");
        for (int index = 0; index < options.batchSize(); index++) {
            jobs.add(job(phase));
        }
        SluiceHttp.Reply reply = api.submitBatch(json.writeValueAsBytes(batch));
        if (reply.isAccepted()) {
            for (JsonNode id : reply.body().path("job_ids")) {
                phase.accepted(JobId.fromWire(id.asString()).value());
            }
        } else {
            phase.refused("HTTP " + reply.status() + " (batch)", options.batchSize());
        }
    }

    /** A job with a prompt of its own (no cache hits), 16 to 64 output tokens. */
    private ObjectNode job(Phase phase) {
        long number = sequence.incrementAndGet();
        ObjectNode job = json.createObjectNode();
        job.put("model", MODEL);
        job.put("max_tokens", 16 + (int) (number % 49));
        job.putArray("messages").addObject().put("role", "user")
                .put("content", "chaos run " + runId + " job " + number + ": how does a sluice gate hold water back?");
        job.putObject("metadata").put("chaos_run", runId).put("chaos_phase", phase.name());
        return job;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
