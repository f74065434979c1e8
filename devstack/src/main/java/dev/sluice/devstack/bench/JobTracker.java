package dev.sluice.devstack.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Polls submitted jobs until they are terminal or a deadline passes. Batches are read a page of 1,000 at a
 * time through the batch endpoint, and only when their counts show news; single jobs are read with a bounded
 * pool of pollers. A round re-polls only jobs not yet terminal, and rounds start at most every 500 ms.
 * What it has seen is kept between waits, so a later wait never re-reads a finished job.
 */
final class JobTracker implements AutoCloseable {

    /** The latest view of a job; the timestamps are the server's and may be null. */
    record Observed(String id, String status, Instant createdAt, Instant completedAt) {

        boolean isTerminal() {
            return TERMINAL.contains(status);
        }

        /** completed_at − created_at in microseconds, when both are known. */
        Optional<Long> endToEndMicros() {
            if (createdAt == null || completedAt == null) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(createdAt, completedAt).toNanos() / 1_000);
        }
    }

    static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
    static final String NEVER_SEEN = "not seen";

    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
    private static final Duration ROUND_INTERVAL = Duration.ofMillis(500);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration ROUND_TIME_LIMIT = Duration.ofSeconds(60);
    private static final int MAX_ROUNDS = 1_000_000;

    private final SluiceHttp http;
    private final ExecutorService pollers;
    private final Map<String, Observed> latest = new ConcurrentHashMap<>();
    private final List<String> singleJobs = new ArrayList<>();
    private final Map<String, List<String>> batchJobs = new LinkedHashMap<>();
    private final AtomicInteger pollErrors = new AtomicInteger();

    JobTracker(SluiceHttp http, int pollerCount) {
        this.http = http;
        this.pollers = Executors.newFixedThreadPool(pollerCount);
    }

    void trackJobs(List<String> jobIds) {
        singleJobs.addAll(jobIds);
    }

    void trackBatch(String batchId, List<String> jobIds) {
        batchJobs.put(batchId, List.copyOf(jobIds));
    }

    /** Polls until every tracked job, or every job of {@code jobIds}, is terminal, or {@code maxWait} passed. */
    void awaitTerminal(List<String> jobIds, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
        for (int round = 0; round < MAX_ROUNDS && countUnfinished(jobIds) > 0; round++) {
            long roundStarted = System.nanoTime();
            if (roundStarted >= deadline) {
                break;
            }
            pollBatches(deadline);
            pollSingleJobs(deadline);
            long now = System.nanoTime();
            if (now >= nextProgress) {
                System.err.printf("  ... %d of %d jobs terminal%n",
                        jobIds.size() - countUnfinished(jobIds), jobIds.size());
                nextProgress = now + PROGRESS_INTERVAL.toNanos();
            }
            long pause = Math.min(roundStarted + ROUND_INTERVAL.toNanos() - now, deadline - now);
            if (pause > 0 && countUnfinished(jobIds) > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
    }

    /** Every tracked job, single and batched. */
    List<String> trackedJobs() {
        List<String> all = new ArrayList<>(singleJobs);
        batchJobs.values().forEach(all::addAll);
        return all;
    }

    int countUnfinished(List<String> jobIds) {
        int unfinished = 0;
        for (String jobId : jobIds) {
            if (!isTerminal(jobId)) {
                unfinished++;
            }
        }
        return unfinished;
    }

    /** The latest status of each job, {@value #NEVER_SEEN} for one never read. */
    Map<String, Integer> countByStatus(List<String> jobIds) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String status : List.of("succeeded", "failed", "cancelled", "queued", "running")) {
            counts.put(status, 0);
        }
        for (String jobId : jobIds) {
            Observed job = latest.get(jobId);
            counts.merge(job == null ? NEVER_SEEN : job.status(), 1, Integer::sum);
        }
        return counts;
    }

    Optional<Observed> observed(String jobId) {
        return Optional.ofNullable(latest.get(jobId));
    }

    int pollErrors() {
        return pollErrors.get();
    }

    @Override
    public void close() {
        pollers.shutdownNow();
    }

    private boolean isTerminal(String jobId) {
        Observed job = latest.get(jobId);
        return job != null && job.isTerminal();
    }

    private void pollBatches(long deadline) throws InterruptedException {
        for (Map.Entry<String, List<String>> batch : batchJobs.entrySet()) {
            if (System.nanoTime() >= deadline) {
                return;
            }
            if (countUnfinished(batch.getValue()) > 0) {
                pollBatch(batch.getKey(), batch.getValue(), deadline);
            }
        }
    }

    /** Pages through a batch, unless its counts show no more terminal jobs than already recorded. */
    private void pollBatch(String batchId, List<String> jobIds, long deadline) throws InterruptedException {
        int maxPages = jobIds.size() / SluiceHttp.BATCH_PAGE_SIZE + 2;
        String after = null;
        for (int page = 0; page < maxPages && System.nanoTime() < deadline; page++) {
            SluiceHttp.Reply reply;
            try {
                reply = http.getBatchPage(batchId, after);
            } catch (IOException e) {
                pollErrors.incrementAndGet();
                log.debug("polling batch {} failed", batchId, e);
                return;
            }
            if (!reply.isOk() || reply.body() == null) {
                pollErrors.incrementAndGet();
                log.debug("polling batch {} answered {}: {}", batchId, reply.status(), reply.problem());
                return;
            }
            if (page == 0 && !hasNews(reply.body().path("counts"), jobIds)) {
                return;
            }
            JsonNode jobs = reply.body().path("jobs");
            for (JsonNode job : jobs.path("data")) {
                record(job);
            }
            after = jobs.path("last_id").stringValue(null);
            if (!jobs.path("has_more").asBoolean(false) || after == null) {
                return;
            }
        }
    }

    private boolean hasNews(JsonNode counts, List<String> jobIds) {
        long terminalOnServer = 0;
        for (String status : TERMINAL) {
            terminalOnServer += counts.path(status).asLong(0);
        }
        return terminalOnServer > jobIds.size() - countUnfinished(jobIds);
    }

    private void pollSingleJobs(long deadline) throws InterruptedException {
        List<Callable<Void>> polls = new ArrayList<>();
        for (String jobId : singleJobs) {
            if (!isTerminal(jobId)) {
                polls.add(() -> {
                    pollSingleJob(jobId);
                    return null;
                });
            }
        }
        long remaining = Math.min(deadline - System.nanoTime(), ROUND_TIME_LIMIT.toNanos());
        if (!polls.isEmpty() && remaining > 0) {
            pollers.invokeAll(polls, remaining, TimeUnit.NANOSECONDS);
        }
    }

    private void pollSingleJob(String jobId) throws InterruptedException {
        try {
            SluiceHttp.Reply reply = http.getJob(jobId);
            if (reply.isOk() && reply.body() != null) {
                record(reply.body());
            } else {
                pollErrors.incrementAndGet();
                log.debug("polling {} answered {}: {}", jobId, reply.status(), reply.problem());
            }
        } catch (IOException e) {
            pollErrors.incrementAndGet();
            log.debug("polling {} failed", jobId, e);
        }
    }

    private void record(JsonNode job) {
        String id = job.path("id").stringValue(null);
        String status = job.path("status").stringValue(null);
        if (id == null || status == null) {
            return;
        }
        latest.put(id, new Observed(id, status, instant(job.path("created_at")), instant(job.path("completed_at"))));
    }

    private static Instant instant(JsonNode value) {
        String text = value.stringValue(null);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
