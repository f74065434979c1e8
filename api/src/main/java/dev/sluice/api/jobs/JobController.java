package dev.sluice.api.jobs;

import dev.sluice.api.correlation.CorrelationFilter;
import dev.sluice.api.events.JobEventFeed;
import dev.sluice.api.events.LongPoll;
import dev.sluice.api.idempotency.IdempotencyKey;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.problems.Problems;
import dev.sluice.api.tenants.AuthenticatedTenant;
import dev.sluice.api.webhooks.JobWebhooks;
import dev.sluice.common.correlation.Correlation;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.jobs.JobView;
import dev.sluice.common.webhooks.WebhookDeliveryView;
import dev.sluice.common.tenants.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

@RestController
@RequestMapping("/v1/jobs")
class JobController {

    record JobAcceptedView(String id, String object, String status, Instant createdAt) {
    }

    private final JobSubmitter submitter;
    private final JobRequestValidator validator;
    private final Jdbi jdbi;
    private final ApiProperties properties;
    private final JsonMapper json;
    private final JobEventFeed events;
    private final JobCancellation cancellation;
    private final SubmitMetrics submitMetrics;
    private final ExecutorService longPollReads;
    private final JobWebhooks webhooks;

    JobController(JobSubmitter submitter, JobRequestValidator validator, Jdbi jdbi, ApiProperties properties,
                  JsonMapper json, JobEventFeed events, ExecutorService longPollReads,
                  JobCancellation cancellation, JobWebhooks webhooks, SubmitMetrics submitMetrics) {
        this.submitMetrics = submitMetrics;
        this.webhooks = webhooks;
        this.cancellation = cancellation;
        this.events = events;
        this.longPollReads = longPollReads;
        this.submitter = submitter;
        this.validator = validator;
        this.jdbi = jdbi;
        this.properties = properties;
        this.json = json;
    }

    /** 202 for a new job; 200 with the same answer when the Idempotency-Key already stands for this request. */
    @PostMapping
    ResponseEntity<JobAcceptedView> submit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        TenantId tenant = AuthenticatedTenant.of(request);
        Optional<IdempotencyKey> key = IdempotencyKey.of(request);
        JsonNode body = RequestBodies.readJson(request.getInputStream(), request.getContentLengthLong(),
                properties.maxBodySize().toBytes(), json);
        JobRequestValidator.Validated validated = validator.validate(body, "", false);
        if (!validated.isValid()) {
            throw Problems.invalidRequest(validated.found());
        }
        Optional<IdempotentRequest> idempotency =
                key.map(value -> IdempotentRequest.of(tenant, value, JobSubmitter.JOBS_ENDPOINT, body));
        JobSubmitter.AcceptedJob accepted = submitter.submit(tenant, validated.draft(), idempotency);
        String id = accepted.jobId().toString();
        MDC.put(Correlation.JOB_ID, id);
        CorrelationFilter.correlateWith(id, response);
        if (accepted.replayed()) {
            response.setHeader(IdempotencyKey.REPLAYED_HEADER, "true");
        } else {
            submitMetrics.accepted(tenant, SubmitMetrics.Kind.SINGLE, 1);
        }
        return ResponseEntity.status(accepted.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .location(URI.create("/v1/jobs/" + id))
                .body(new JobAcceptedView(id, "job", "queued", accepted.createdAt()));
    }

    @GetMapping("/{id}")
    JobView get(@PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
        return view(find(id, AuthenticatedTenant.of(request), response));
    }

    /** Long-poll: the job as soon as it is terminal, or after at most {@code wait} seconds as it is then. */
    @GetMapping(value = "/{id}", params = "wait")
    CompletableFuture<JobView> getWhenDone(@PathVariable String id, @RequestParam String wait,
                                           HttpServletRequest request, HttpServletResponse response) {
        Duration waitFor = LongPoll.parseWait(wait);
        TenantId tenant = AuthenticatedTenant.of(request);
        JobRecord job = find(id, tenant, response);
        return LongPoll.until(events, job.id(), waitFor,
                () -> jdbi.withExtension(JobDao.class, dao -> dao.findForTenant(job.id(), tenant.value())).orElseThrow(),
                now -> now.status().isTerminal(), longPollReads)
                .thenApplyAsync(this::view, longPollReads);
    }

    @DeleteMapping("/{id}")
    JobView cancel(@PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
        TenantId tenant = AuthenticatedTenant.of(request);
        return view(cancellation.cancel(tenant, find(id, tenant, response)));
    }

    /**
     * Sends the job's latest webhook event again, with the same event id (the worker's dispatcher sends it; this only
     * makes it due now, with a fresh give-up clock). 409 when there is no event to send.
     */
    @PostMapping("/{id}/webhook/redeliver")
    JobView redeliverWebhook(@PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
        TenantId tenant = AuthenticatedTenant.of(request);
        JobRecord job = find(id, tenant, response);
        Optional<WebhookDeliveryView> redelivered = webhooks.redeliver(job.id(), tenant.value());
        if (redelivered.isEmpty()) {
            Optional<WebhookDeliveryView> now = webhooks.of(job);
            throw Problems.conflict(now.isPresent()
                    ? "job " + id + "'s webhook event is on its way to its first attempt; there is nothing to send again yet"
                    : job.status().isTerminal() ? "job " + id + " has no webhook_url"
                    : "job " + id + " is " + job.status().wireName() + ": a webhook event is sent when it ends");
        }
        return JobView.of(job).withWebhook(redelivered.get());
    }

    private JobView view(JobRecord job) {
        JobView view = JobView.of(job);
        return webhooks.of(job).map(view::withWebhook).orElse(view);
    }

    private JobRecord find(String id, TenantId tenant, HttpServletResponse response) {
        JobId jobId = JobId.parse(id).orElseThrow(() -> Problems.notFound("job " + id));
        MDC.put(Correlation.JOB_ID, id);
        CorrelationFilter.correlateWith(id, response);
        return jdbi.withExtension(JobDao.class, dao -> dao.findForTenant(jobId.value(), tenant.value()))
                .orElseThrow(() -> Problems.notFound("job " + id));
    }
}
