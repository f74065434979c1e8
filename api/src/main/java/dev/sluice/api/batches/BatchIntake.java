package dev.sluice.api.batches;

import dev.sluice.api.idempotency.CanonicalBody;
import dev.sluice.api.idempotency.IdempotencyKey;
import dev.sluice.api.idempotency.IdempotentRequest;
import dev.sluice.api.jobs.ApiProperties;
import dev.sluice.api.jobs.IntakeFailures;
import dev.sluice.api.jobs.JobDraft;
import dev.sluice.api.jobs.NulCharacters;
import dev.sluice.api.jobs.JobIntake;
import dev.sluice.api.jobs.JobRecordSize;
import dev.sluice.api.jobs.JobRequestValidator;
import dev.sluice.api.jobs.JobSubmitter;
import dev.sluice.api.outbox.OutboxPublisher;
import dev.sluice.api.outbox.OutboxRows;
import dev.sluice.api.problems.FieldProblems;
import dev.sluice.api.problems.Problems;
import dev.sluice.common.batches.BatchDao;
import dev.sluice.common.batches.BatchId;
import dev.sluice.common.batches.BatchRecord;
import dev.sluice.common.idempotency.IdempotencyKeyRecord;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.jobs.NewJobRow;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.common.tracing.TraceContext;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Accepts {@code POST /v1/jobs/batch} all or nothing without ever holding the batch whole: the body is spooled to a
 * temporary file, then read entry by entry with a streaming parser (each entry capped at the single-job body size),
 * validated, checked against the Kafka record size and inserted in chunks, in one transaction with the batch row,
 * the batch's outbox row and its Idempotency-Key. Any bad entry (every one is reported by index, up to 100) rolls
 * it all back. After the commit the batch is published from its rows ({@link OutboxPublisher}).
 */
@Component
class BatchIntake {

    private static final Logger log = LoggerFactory.getLogger(BatchIntake.class);
    private static final int CHUNK = 500;

    private final Jdbi jdbi;
    private final JsonMapper json;
    private final ApiProperties properties;
    private final JobRequestValidator validator;
    private final JobRecordSize recordSize;
    private final JobIntake intake;
    private final OutboxPublisher publisher;
    private final OutboxRows outbox = new OutboxRows();
    private final BatchBytes bytes;
    /** Reads one value off the body's parser, leaving the parser at its end (the rest of the body follows it). */
    private final ObjectReader entryReader;

    BatchIntake(Jdbi jdbi, JsonMapper json, ApiProperties properties, JobRequestValidator validator,
                JobRecordSize recordSize, JobIntake intake, OutboxPublisher publisher) {
        this.jdbi = jdbi;
        this.json = json;
        this.properties = properties;
        this.validator = validator;
        this.recordSize = recordSize;
        this.intake = intake;
        this.publisher = publisher;
        this.bytes = new BatchBytes(properties.maxConcurrentBatchBytes().toBytes());
        this.entryReader = json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The batch as accepted now, or as the Idempotency-Key's earlier use accepted it ({@code replayed}). */
    public JobSubmitter.AcceptedBatch accept(TenantId tenant, InputStream body, long declaredLength,
                                             Optional<IdempotencyKey> key) throws IOException {
        try (SpooledBody spooled = SpooledBody.read(body, declaredLength, properties.maxBatchBodySize().toBytes(), bytes)) {
            BatchId batchId = BatchId.newId();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Accepted accepted;
            try {
                accepted = jdbi.inTransaction(handle -> {
                    // a request with the same key being accepted right now: wait for it, but not for ever
                    handle.execute("set local lock_timeout = '5s'");
                    return insert(handle, spooled, tenant, batchId, now, key);
                });
            } catch (KeyInUse inUse) {
                accepted = inUse.accepted;
            } catch (org.jdbi.v3.core.JdbiException e) {
                throw IntakeFailures.translate(e);
            }
            if (accepted.earlier() != null) {
                return replay(accepted.request(), accepted.earlier());
            }
            publisher.publishBatchSoon(batchId.value());
            log.info("batch accepted with {} jobs", accepted.jobIds().size());
            return new JobSubmitter.AcceptedBatch(batchId, accepted.jobIds(), now, false);
        }
    }

    /** What the transaction did: the new batch's job ids, or the key's earlier use (and then it rolled back). */
    private record Accepted(List<JobId> jobIds, IdempotentRequest request, IdempotencyKeyRecord earlier) {
    }

    /** Thrown inside the transaction to roll it back when the key already stands for an earlier request. */
    private static final class KeyInUse extends RuntimeException {
        final Accepted accepted;

        KeyInUse(Accepted accepted) {
            super(null, null, false, false);
            this.accepted = accepted;
        }
    }

    private Accepted insert(Handle handle, SpooledBody spooled, TenantId tenant, BatchId batchId, Instant now,
                            Optional<IdempotencyKey> key) throws IOException {
        BatchDao batches = handle.attach(BatchDao.class);
        batches.insert(new BatchRecord(batchId.value(), tenant.value(), 0, null, null, now));
        Reading reading = new Reading(handle, tenant, batchId, now);
        try (InputStream file = spooled.open()) {
            EntryBoundedInput input = new EntryBoundedInput(file, properties.maxBodySize().toBytes());
            reading.readBody(input);
        }
        if (!reading.problems.isEmpty()) {
            throw reading.onlyTooLarge ? Problems.entriesTooLarge(reading.problems) : Problems.invalidRequest(reading.problems);
        }
        reading.flush();
        batches.completeIntake(batchId.value(), reading.jobIds.size(),
                reading.metadata.isEmpty() ? null : SluiceJson.mapper().writeValueAsString(reading.metadata),
                reading.webhookUrl);
        outbox.insertBatch(handle, batchId.value(), properties.outboxClaim());
        if (key.isPresent()) {
            IdempotentRequest request = IdempotentRequest.of(tenant, key.get(), reading.requestHash());
            Optional<IdempotencyKeyRecord> earlier = intake.claim(handle, request, null, batchId.value());
            if (earlier.isPresent()) {
                // roll back this batch: the key stands for an earlier request
                throw new KeyInUse(new Accepted(List.of(), request, earlier.get()));
            }
        }
        return new Accepted(reading.jobIds, null, null);
    }

    private JobSubmitter.AcceptedBatch replay(IdempotentRequest request, IdempotencyKeyRecord earlier) {
        if (earlier.batchId() == null) {
            throw Problems.idempotencyKeyReused(request.key().value(), "on " + JobSubmitter.JOBS_ENDPOINT);
        }
        if (!earlier.requestHash().equals(request.requestHash())) {
            throw Problems.idempotencyKeyReused(request.key().value(), "with a different body on " + JobSubmitter.BATCH_ENDPOINT);
        }
        List<JobId> jobIds = jdbi.withExtension(JobDao.class, dao -> dao.findIdsInBatch(earlier.batchId()))
                .stream().map(JobId::new).toList();
        return new JobSubmitter.AcceptedBatch(new BatchId(earlier.batchId()), jobIds, earlier.acceptedAt(), true);
    }

    /** One pass over the body: problems, rows in chunks, the request hash, the batch-level fields. */
    private final class Reading {
        final FieldProblems problems = new FieldProblems();
        final List<JobId> jobIds = new ArrayList<>();
        final Map<String, Integer> customIds = new HashMap<>();
        final List<NewJobRow> chunk = new ArrayList<>(CHUNK);
        final MessageDigest digest = CanonicalBody.digestFor(JobSubmitter.BATCH_ENDPOINT);
        final TreeMap<String, JsonNode> otherFields = new TreeMap<>();
        final Handle handle;
        final TenantId tenant;
        final BatchId batchId;
        final Instant now;
        boolean onlyTooLarge = true;
        Map<String, String> metadata = Map.of();
        String webhookUrl;
        int entries;
        boolean otherFieldBeingRead;

        Reading(Handle handle, TenantId tenant, BatchId batchId, Instant now) {
            this.handle = handle;
            this.tenant = tenant;
            this.batchId = batchId;
            this.now = now;
        }

        void readBody(EntryBoundedInput input) {
            boolean sawJobs = false;
            try (JsonParser parser = json.createParser(input)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    problem("$", "must be a JSON object with a jobs array");
                    return;
                }
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("jobs".equals(name)) {
                        sawJobs = true;
                        readJobs(parser, input, value);
                    } else {
                        otherFieldBeingRead = true;
                        input.entryStartsAt(parser.currentTokenLocation().getByteOffset());
                        JsonNode field = entryReader.readValue(parser);
                        input.noEntry();
                        otherFieldBeingRead = false;
                        NulCharacters.check(field, name, problems);
                        otherFields.put(name, field);
                    }
                }
                if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                    throw Problems.malformedBody("the body is not one JSON object");
                }
            } catch (EntryBoundedInput.EntryTooLarge e) {
                problems.add(otherFieldBeingRead ? "$" : "jobs[" + entries + "]", "is larger than " + properties.maxBodySize().toBytes()
                        + " bytes, the limit of one job (SLUICE_MAX_BODY_SIZE); nothing after it was read");
                return;
            } catch (JacksonException e) {
                throw Problems.malformedBody("the body is not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ")"));
            }
            if (!sawJobs) {
                problem("jobs", "is required: an array of job bodies");
            } else if (entries == 0 && problems.isEmpty()) {
                problem("jobs", "must contain at least one job");
            }
            readBatchFields();
        }

        private void readJobs(JsonParser parser, EntryBoundedInput input, JsonToken value) {
            if (value != JsonToken.START_ARRAY) {
                problem("jobs", "must be an array of job bodies");
                parser.skipChildren();
                return;
            }
            while (true) {
                input.entryStartsAt(parser.currentLocation().getByteOffset());
                JsonToken next = parser.nextToken();
                if (next == JsonToken.END_ARRAY) {
                    input.noEntry();
                    return;
                }
                if (entries == properties.maxBatchJobs()) {
                    input.noEntry();
                    problem("jobs", "holds more than " + properties.maxBatchJobs() + " jobs; a batch may hold at most "
                            + properties.maxBatchJobs() + " (SLUICE_MAX_BATCH_JOBS)");
                    parser.skipChildren();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                    }
                    return;
                }
                JsonNode entry = entryReader.readValue(parser);
                input.noEntry();
                readJob(entry, entries++);
            }
        }

        private void readJob(JsonNode entry, int index) {
            CanonicalBody.update(digest, entry);
            String path = "jobs[" + index + "]";
            JobRequestValidator.Validated validated = validator.validate(entry, path, true);
            if (!validated.isValid()) {
                onlyTooLarge = false;
                problems.addAll(validated.found());
                return;
            }
            JobDraft draft = validated.draft();
            if (draft.customId() != null) {
                Integer first = customIds.putIfAbsent(draft.customId(), index);
                if (first != null) {
                    onlyTooLarge = false;
                    problems.add(path + ".custom_id", "'" + FieldProblems.echo(draft.customId())
                            + "' is already used by jobs[" + first + "]; custom_id must be unique within a batch");
                    return;
                }
            }
            // each job of the batch carries the batch request's trace context
            JobSubmitted job = JobSubmitter.toMessage(JobId.newId(), tenant, batchId, index, draft, now)
                    .withTrace(TraceContext.current());
            Optional<String> tooLarge = recordSize.refusal(job);
            if (tooLarge.isPresent()) {
                problems.add(path, tooLarge.get());
                return;
            }
            if (!problems.isEmpty()) {
                return; // the batch is refused: nothing more to insert, only problems to find
            }
            jobIds.add(job.jobId());
            chunk.add(NewJobRow.of(job));
            if (chunk.size() == CHUNK) {
                flush();
            }
        }

        void flush() {
            if (!chunk.isEmpty()) {
                NewJobRow.insertAll(handle, chunk);
                chunk.clear();
            }
        }

        /** The batch's metadata and webhook_url follow a job's rules, and stay on the batch row. */
        private void readBatchFields() {
            FieldProblems found = new FieldProblems();
            metadata = JobRequestValidator.checkMetadata(otherFields.get("metadata"), "", found);
            webhookUrl = validator.checkWebhookUrl(otherFields.get("webhook_url"), "", found);
            if (!found.isEmpty()) {
                onlyTooLarge = false;
                problems.addAll(found);
            }
        }

        String requestHash() {
            ObjectNode rest = JsonNodeFactory.instance.objectNode();
            otherFields.forEach(rest::set);
            CanonicalBody.update(digest, rest);
            return CanonicalBody.hex(digest);
        }

        private void problem(String field, String message) {
            onlyTooLarge = false;
            problems.add(field, message);
        }
    }
}
