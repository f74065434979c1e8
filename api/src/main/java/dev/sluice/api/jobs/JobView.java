package dev.sluice.api.jobs;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.json.SluiceJson;
import tools.jackson.databind.JsonNode;

import java.time.Instant;

/** A job as callers see it on GET /v1/jobs/{id}. */
public record JobView(String id,
                      String object,
                      String status,
                      Instant createdAt,
                      Instant startedAt,
                      Instant completedAt,
                      int attempts,
                      JsonNode metadata,
                      String customId,
                      String batchId,
                      JsonNode result,
                      JsonNode error) {

    public static JobView of(JobRecord job) {
        return new JobView(job.jobId().toString(), "job", job.status(), job.createdAt(), job.startedAt(),
                job.completedAt(), job.attempts(), parse(job.metadata()), job.customId(),
                job.batchId() == null ? null : new BatchId(job.batchId()).toString(),
                parse(job.result()), parse(job.error()));
    }

    private static JsonNode parse(String json) {
        return json == null ? null : SluiceJson.mapper().readTree(json);
    }
}
