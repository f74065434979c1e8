package dev.sluice.common.testing;

import dev.sluice.common.jobs.JobStatus;
import org.assertj.core.api.AbstractAssert;
import tools.jackson.databind.JsonNode;

/**
 * Assertions on a job's view (its JSON on {@code GET /v1/jobs/{id}}) in the domain's words:
 * {@code assertThatJob(view).hasStatus(SUCCEEDED)}. A failure shows the whole view.
 */
public final class JobAssert extends AbstractAssert<JobAssert, JsonNode> {

    private JobAssert(JsonNode view) {
        super(view, JobAssert.class);
    }

    public static JobAssert assertThatJob(JsonNode view) {
        return new JobAssert(view);
    }

    public JobAssert hasStatus(JobStatus status) {
        isNotNull();
        String actualStatus = actual.path("status").asString(null);
        if (!status.wireName().equals(actualStatus)) {
            failWithMessage("expected job status <%s> but was <%s> in %s", status.wireName(), actualStatus, actual);
        }
        return this;
    }
}
