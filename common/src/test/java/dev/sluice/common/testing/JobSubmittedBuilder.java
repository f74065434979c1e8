package dev.sluice.common.testing;

import dev.sluice.common.batches.BatchId;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link JobSubmitted} for a test, with only what the test cares about said: {@code aJob().withTenant(tenant)
 * .withDeadline(past).build()}. By default a fresh job of a fresh tenant, submitted now, asking gpt-4o-mini one
 * question, with no batch, metadata, webhook, cache choice or deadline.
 */
public final class JobSubmittedBuilder {

    private JobId jobId = JobId.newId();
    private TenantId tenantId = TenantId.newId();
    private BatchId batchId;
    private Integer batchIndex;
    private String customId;
    private ObjectNode request = aChatRequest("hello");
    private Map<String, String> metadata = Map.of();
    private String webhookUrl;
    private Instant submittedAt = Instant.now();
    private Boolean cache;
    private Instant deadline;

    private JobSubmittedBuilder() {
    }

    public static JobSubmittedBuilder aJob() {
        return new JobSubmittedBuilder();
    }

    /** {@code {"model":"gpt-4o-mini","messages":[{"role":"user","content":<content>}]}}. */
    public static ObjectNode aChatRequest(String content) {
        ObjectNode request = SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini");
        request.putArray("messages").addObject().put("role", "user").put("content", content);
        return request;
    }

    public JobSubmittedBuilder withId(JobId id) {
        this.jobId = id;
        return this;
    }

    public JobSubmittedBuilder withTenant(TenantId tenant) {
        this.tenantId = tenant;
        return this;
    }

    public JobSubmittedBuilder withTenant(UUID tenant) {
        return withTenant(new TenantId(tenant));
    }

    public JobSubmittedBuilder inBatch(BatchId batch, int index) {
        this.batchId = batch;
        this.batchIndex = index;
        return this;
    }

    public JobSubmittedBuilder withCustomId(String customId) {
        this.customId = customId;
        return this;
    }

    /** The Chat Completions body, used as it is (not copied). */
    public JobSubmittedBuilder withRequest(ObjectNode request) {
        this.request = request;
        return this;
    }

    /** The Chat Completions body as JSON text, e.g. a test client's request body. */
    public JobSubmittedBuilder withRequest(String json) {
        return withRequest((ObjectNode) SluiceJson.mapper().readTree(json));
    }

    /** {@link #aChatRequest(String)} with this content. */
    public JobSubmittedBuilder withPrompt(String content) {
        return withRequest(aChatRequest(content));
    }

    public JobSubmittedBuilder withMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
        return this;
    }

    public JobSubmittedBuilder withWebhookUrl(String webhookUrl) {
        this.webhookUrl = webhookUrl;
        return this;
    }

    public JobSubmittedBuilder submittedAt(Instant submittedAt) {
        this.submittedAt = submittedAt;
        return this;
    }

    /** Whether the response cache may answer it; null (the default) is an older record's "yes". */
    public JobSubmittedBuilder withCache(Boolean cache) {
        this.cache = cache;
        return this;
    }

    public JobSubmittedBuilder withDeadline(Instant deadline) {
        this.deadline = deadline;
        return this;
    }

    public JobSubmitted build() {
        return new JobSubmitted(JobSubmitted.CURRENT_SCHEMA_VERSION, jobId, tenantId, batchId, batchIndex, customId,
                request, metadata, webhookUrl, submittedAt, cache, deadline);
    }
}
