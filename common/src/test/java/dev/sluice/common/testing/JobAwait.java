package dev.sluice.common.testing;

import dev.sluice.common.jobs.JobStatus;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits, with Awaitility and an upper bound, until a job's view (its JSON on {@code GET /v1/jobs/{id}}, read however
 * the test reads it) shows what the test waits for, and returns that view:
 * {@code awaitJob(() -> client.get("/v1/jobs/" + id, key).json()).atMost(ofSeconds(60)).until(SUCCEEDED)}.
 */
public final class JobAwait {

    private final Callable<JsonNode> view;
    private Duration atMost = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofMillis(100);

    private JobAwait(Callable<JsonNode> view) {
        this.view = view;
    }

    public static JobAwait awaitJob(Callable<JsonNode> view) {
        return new JobAwait(view);
    }

    /** 30 seconds unless told. */
    public JobAwait atMost(Duration atMost) {
        this.atMost = atMost;
        return this;
    }

    /** 100 ms unless told; the first look is at once. */
    public JobAwait pollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
        return this;
    }

    /** Until the job's status is one of {@code statuses}. */
    public JsonNode until(JobStatus status, JobStatus... orOthers) {
        Set<JobStatus> statuses = EnumSet.of(status, orOthers);
        return until(job -> statuses.stream().anyMatch(wanted -> wanted.wireName().equals(statusOf(job))));
    }

    /** Until the job has ended: succeeded, failed, cancelled or expired. */
    public JsonNode untilEnded() {
        JobStatus[] terminal = Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal).toArray(JobStatus[]::new);
        return until(terminal[0], Arrays.copyOfRange(terminal, 1, terminal.length));
    }

    public JsonNode until(Predicate<JsonNode> condition) {
        return Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(pollInterval)
                .until(view, condition);
    }

    private static String statusOf(JsonNode job) {
        return job.path("status").asString("");
    }
}
