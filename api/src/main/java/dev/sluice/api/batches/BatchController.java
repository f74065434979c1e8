package dev.sluice.api.batches;

import dev.sluice.api.events.JobEventFeed;
import dev.sluice.api.events.LongPoll;
import dev.sluice.common.batches.BatchEnd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import dev.sluice.api.correlation.CorrelationFilter;
import dev.sluice.api.idempotency.IdempotencyKey;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.jobs.ApiProperties;
import dev.sluice.api.jobs.JobRequestValidator;
import dev.sluice.api.jobs.JobSubmitter;
import dev.sluice.common.jobs.JobView;
import dev.sluice.api.jobs.RequestBodies;
import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.Problems;
import dev.sluice.api.tenants.AuthenticatedTenant;
import dev.sluice.common.batches.BatchDao;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.jobs.StatusCount;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jdbi.v3.core.Jdbi;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import dev.sluice.api.jobs.SubmitMetrics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@RestController
class BatchController {

    record BatchAcceptedView(String id, String object, int jobCount, List<String> jobIds, Instant createdAt) {
    }

    record JobPage(List<JobView> data, boolean hasMore, String lastId) {
    }

    /** {@code status}: {@code in_progress} until the last job ends, then {@code completed}, {@code cancelled} or
     * {@code expired} (no job succeeded or failed, and some were cancelled, or all expired). */
    record BatchView(String id, String object, String status, int jobCount, Map<String, Long> counts,
                     JsonNode metadata, Instant createdAt, Instant endedAt, JobPage jobs) {
    }

    private static final String IN_PROGRESS = "in_progress";

    private final BatchIntake intake;
    private final Jdbi jdbi;
    private final JobEventFeed events;
    private final ExecutorService longPollReads;
    private final SubmitMetrics submitMetrics;

    BatchController(BatchIntake intake, Jdbi jdbi, JobEventFeed events, ExecutorService longPollReads,
                    SubmitMetrics submitMetrics) {
        this.submitMetrics = submitMetrics;
        this.intake = intake;
        this.jdbi = jdbi;
        this.events = events;
        this.longPollReads = longPollReads;
    }

    /** 202 for a new batch; 200 with the same answer when the Idempotency-Key already stands for this request. */
    @PostMapping("/v1/jobs/batch")
    ResponseEntity<BatchAcceptedView> submit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        TenantId tenant = AuthenticatedTenant.of(request);
        Optional<IdempotencyKey> key = IdempotencyKey.of(request);
        JobSubmitter.AcceptedBatch accepted = intake.accept(tenant, request.getInputStream(),
                request.getContentLengthLong(), key);
        String id = accepted.batchId().toString();
        CorrelationFilter.correlateWith(id, response);
        if (accepted.replayed()) {
            response.setHeader(IdempotencyKey.REPLAYED_HEADER, "true");
        } else {
            submitMetrics.accepted(tenant, SubmitMetrics.Kind.BATCH, accepted.jobIds().size());
        }
        return ResponseEntity.status(accepted.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .location(URI.create("/v1/batches/" + id))
                .body(new BatchAcceptedView(id, "batch", accepted.jobIds().size(),
                        accepted.jobIds().stream().map(JobId::toString).toList(), accepted.createdAt()));
    }

    /** Long-poll: the batch as soon as its last job ended, or after at most {@code wait} seconds as it is then. */
    @GetMapping(value = "/v1/batches/{id}", params = "wait")
    CompletableFuture<BatchView> getWhenDone(@PathVariable String id, @RequestParam String wait,
                                             @RequestParam(defaultValue = "100") int limit,
                                             @RequestParam(required = false) String after,
                                             HttpServletRequest request, HttpServletResponse response) {
        Duration waitFor = LongPoll.parseWait(wait);
        BatchRead read = readOf(id, limit, after, request, response);
        return LongPoll.until(events, read.batch().id(), waitFor, () -> view(id, read),
                view -> !IN_PROGRESS.equals(view.status()), longPollReads);
    }

    @GetMapping("/v1/batches/{id}")
    BatchView get(@PathVariable String id,
                  @RequestParam(defaultValue = "100") int limit,
                  @RequestParam(required = false) String after,
                  HttpServletRequest request, HttpServletResponse response) {
        return view(id, readOf(id, limit, after, request, response));
    }

    /** A checked request for one batch's page: its row (the tenant's, or 404), the page size and cursor. */
    private record BatchRead(BatchRecord batch, int limit, UUID after) {
    }

    private BatchRead readOf(String id, int limit, String after, HttpServletRequest request,
                             HttpServletResponse response) {
        TenantId tenant = AuthenticatedTenant.of(request);
        if (limit < 1 || limit > 1000) {
            throw Problems.invalidRequest(List.of(new FieldProblem("limit", "must be from 1 to 1000")));
        }
        UUID afterId = null;
        if (after != null) {
            afterId = JobId.parse(after).map(JobId::value).orElseThrow(() ->
                    Problems.invalidRequest(List.of(new FieldProblem("after", "must be a job id from this batch"))));
        }
        BatchId batchId = BatchId.parse(id).orElseThrow(() -> Problems.notFound("batch " + id));
        CorrelationFilter.correlateWith(id, response);
        BatchRecord batch = jdbi.withExtension(BatchDao.class, dao -> dao.findForTenant(batchId.value(), tenant.value()))
                .orElseThrow(() -> Problems.notFound("batch " + id));
        return new BatchRead(batch, limit, afterId);
    }

    /** The batch as it is now: a pure read, also on a long-poll's thread. */
    private BatchView view(String id, BatchRead read) {
        BatchRecord batch = read.batch();
        List<StatusCount> counts = jdbi.withExtension(JobDao.class, dao -> dao.countByStatusInBatch(batch.id()));
        List<JobRecord> page = jdbi.withExtension(JobDao.class,
                dao -> dao.findPageInBatch(batch.id(), read.after(), read.limit() + 1));
        boolean hasMore = page.size() > read.limit();
        List<JobView> jobs = page.stream().limit(read.limit()).map(JobView::of).toList();
        String lastId = jobs.isEmpty() ? null : jobs.get(jobs.size() - 1).id();
        Optional<BatchEnd> end = jdbi.withExtension(BatchDao.class, dao -> dao.findEnd(batch.id()));
        return new BatchView(id, "batch", end.map(BatchEnd::outcome).orElse(IN_PROGRESS), batch.jobCount(),
                countsByStatus(counts, batch.jobCount()),
                batch.metadata() == null ? null : SluiceJson.mapper().readTree(batch.metadata()),
                batch.createdAt(), end.map(BatchEnd::endedAt).orElse(null), new JobPage(jobs, hasMore, lastId));
    }

    private static Map<String, Long> countsByStatus(List<StatusCount> counts, int total) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (JobStatus status : JobStatus.values()) {
            byStatus.put(status.wireName(), 0L);
        }
        counts.forEach(count -> byStatus.put(count.status().wireName(), count.count()));
        byStatus.put("total", (long) total);
        return byStatus;
    }
}
