package dev.sluice.common.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.webhooks.WebhookDeliveryView;
import tools.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A job as callers see it on GET /v1/jobs/{id}, and as a job's webhook event carries it in {@code data}.
 * {@code attempts} counts upstream calls started, {@code failed_attempts} those that failed; {@code history} has one
 * entry per failed attempt (time, code, message) and per replay; {@code next_attempt_at} is set while the job waits
 * for a retry. {@code webhook} (only for a job with a {@code webhook_url}, and never inside a webhook's own payload)
 * shows the delivery of its latest webhook event.
 */
public record JobView(String id,
                      String object,
                      String status,
                      Instant createdAt,
                      Instant startedAt,
                      Instant completedAt,
                      Instant deadline,
                      Instant nextAttemptAt,
                      int attempts,
                      int failedAttempts,
                      JsonNode metadata,
                      String customId,
                      String batchId,
                      JsonNode result,
                      JsonNode error,
                      JsonNode history,
                      @JsonInclude(JsonInclude.Include.NON_NULL) WebhookDeliveryView webhook) {

    public static JobView of(JobRecord job) {
        return new JobView(job.jobId().toString(), "job", job.status().wireName(), job.createdAt(), job.startedAt(),
                job.completedAt(), job.deadline(), job.nextAttemptAt(), job.attempts(), job.failedAttempts(),
                parse(job.metadata()), job.customId(),
                job.batchId() == null ? null : new BatchId(job.batchId()).toString(),
                parse(job.result()), parse(job.error()), parse(job.history()), null);
    }

    public JobView withWebhook(WebhookDeliveryView delivery) {
        return new JobView(id, object, status, createdAt, startedAt, completedAt, deadline, nextAttemptAt, attempts,
                failedAttempts, metadata, customId, batchId, result, error, history, delivery);
    }

    private static JsonNode parse(String json) {
        return json == null ? null : SluiceJson.mapper().readTree(json);
    }
}
