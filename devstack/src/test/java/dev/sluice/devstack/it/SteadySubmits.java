package dev.sluice.devstack.it;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of jobs from a background thread, for tests that change the workers under load: one single job per
 * tick, and every tenth tick a batch of ten, so both lanes (and both consumer groups) always have calls in flight.
 * Every prompt is new, so the response cache answers none of them.
 */
final class SteadySubmits implements AutoCloseable {

    private static final int BATCH_EVERY = 10;
    private static final int BATCH_SIZE = 10;

    private final SluiceClient client;
    private final String apiKey;
    private final String prompt;
    private final ScheduledExecutorService submitter;
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private SteadySubmits(SluiceClient client, String apiKey, String prompt, Duration every) {
        this.client = client;
        this.apiKey = apiKey;
        this.prompt = prompt;
        this.submitter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steady-submits");
            thread.setDaemon(true);
            return thread;
        });
        submitter.scheduleAtFixedRate(this::submit, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts submitting at once, one tick every {@code every}, until {@link #close}. */
    static SteadySubmits start(SluiceClient client, String apiKey, String prompt, Duration every) {
        return new SteadySubmits(client, apiKey, prompt, every);
    }

    /** Jobs the api accepted (202) so far. */
    long accepted() {
        return accepted.get();
    }

    /** Submits the api did not accept, or that failed to reach it. */
    long refused() {
        return refused.get();
    }

    private void submit() {
        long tick = ticks.incrementAndGet();
        try {
            if (tick % BATCH_EVERY == 0) {
                StringBuilder batch = new StringBuilder("{\"jobs\":[");
                for (int index = 0; index < BATCH_SIZE; index++) {
                    batch.append(index == 0 ? "" : ",").append(SluiceClient.chatJob(prompt + " batch " + tick + "/" + index));
                }
                count(client.post("/v1/jobs/batch", apiKey, batch.append("]}").toString()), BATCH_SIZE);
            } else {
                count(client.post("/v1/jobs", apiKey, SluiceClient.chatJob(prompt + " " + tick)), 1);
            }
        } catch (RuntimeException e) {
            refused.incrementAndGet(); // a failed tick must not end the schedule
        }
    }

    private void count(SluiceClient.Reply reply, int jobs) {
        (reply.status() == 202 ? accepted : refused).addAndGet(reply.status() == 202 ? jobs : 1);
    }

    /** Stops submitting; returns once the last submit has been answered. */
    @Override
    public void close() throws InterruptedException {
        submitter.shutdown();
        if (!submitter.awaitTermination(90, TimeUnit.SECONDS)) {
            submitter.shutdownNow();
        }
    }
}
