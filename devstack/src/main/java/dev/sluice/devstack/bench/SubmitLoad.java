package dev.sluice.devstack.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends prepared jobs one {@code POST /v1/jobs} at a time from a fixed number of clients, each taking the next
 * job as soon as its previous one was answered (closed loop, no pacing). Stops at the last job or the time
 * limit, whichever comes first.
 */
final class SubmitLoad {

    /**
     * @param attempted jobs sent (fewer than planned only if the time limit ran out)
     * @param jobIds    ids of the accepted jobs, in submission order
     * @param latency   submit latency of the accepted jobs, request sent to 202 received
     * @param errors    failed submits by HTTP status, or by "no response (...)"
     */
    record Result(String label, int clients, int planned, int attempted, List<String> jobIds,
                  Percentiles latency, Map<String, Integer> errors, Duration elapsed) {

        Result {
            jobIds = List.copyOf(jobIds);
            errors = Map.copyOf(errors);
        }

        int accepted() {
            return jobIds.size();
        }

        double acceptedPerSecond() {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : accepted() / seconds;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SubmitLoad.class);

    private final SluiceHttp http;

    SubmitLoad(SluiceHttp http) {
        this.http = http;
    }

    Result run(String label, int clients, byte[][] jobs, Duration timeLimit) throws InterruptedException {
        int planned = jobs.length;
        String[] jobIds = new String[planned];
        String[] errors = new String[planned];
        long[] latencyNanos = new long[planned];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        long deadline = started + timeLimit.toNanos();
        try {
            for (int client = 0; client < clients; client++) {
                pool.execute(() -> {
                    int index;
                    while (System.nanoTime() < deadline && (index = next.getAndIncrement()) < planned) {
                        if (!submitOne(jobs[index], index, jobIds, errors, latencyNanos)) {
                            return;
                        }
                    }
                });
            }
            pool.shutdown();
            long bound = timeLimit.plus(SluiceHttp.SUBMIT_TIMEOUT).plusSeconds(5).toMillis();
            if (!pool.awaitTermination(bound, TimeUnit.MILLISECONDS)) {
                log.warn("{}: clients still busy after {} ms, stopping them", label, bound);
            }
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return summarise(label, clients, jobIds, errors, latencyNanos, Math.min(next.get(), planned), elapsed);
    }

    /** Sends one job and records its outcome at {@code index}; false when the thread was interrupted. */
    private boolean submitOne(byte[] job, int index, String[] jobIds, String[] errors, long[] latencyNanos) {
        long sent = System.nanoTime();
        try {
            SluiceHttp.Reply reply = http.submit(job);
            latencyNanos[index] = System.nanoTime() - sent;
            String jobId = reply.body() == null ? null : reply.body().path("id").stringValue(null);
            if (reply.isAccepted() && jobId != null) {
                jobIds[index] = jobId;
            } else {
                errors[index] = reply.isAccepted() ? "202 without a job id" : String.valueOf(reply.status());
                log.debug("submit answered {}: {}", reply.status(), reply.problem());
            }
        } catch (HttpTimeoutException e) {
            errors[index] = "no response (timeout)";
        } catch (IOException e) {
            errors[index] = "no response (" + e.getClass().getSimpleName() + ")";
            log.debug("submit failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    private static Result summarise(String label, int clients, String[] jobIds, String[] errors,
                                    long[] latencyNanos, int attempted, Duration elapsed) {
        List<String> accepted = new ArrayList<>();
        List<Long> acceptedMicros = new ArrayList<>();
        Map<String, Integer> errorCounts = new TreeMap<>();
        for (int index = 0; index < jobIds.length; index++) {
            if (jobIds[index] != null) {
                accepted.add(jobIds[index]);
                acceptedMicros.add(latencyNanos[index] / 1_000);
            } else if (errors[index] != null) {
                errorCounts.merge(errors[index], 1, Integer::sum);
            }
        }
        return new Result(label, clients, jobIds.length, attempted, accepted, Percentiles.of(acceptedMicros),
                errorCounts, elapsed);
    }
}
