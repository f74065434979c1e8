package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.jobs.JobDao;
import dev.sluice.common.jobs.JobId;
import dev.sluice.common.jobs.JobRecord;
import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.tenants.TenantId;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The owner of "cancelled": a queued, waiting or running job becomes cancelled by one guarded update (a worker that
 * holds it sees the status and stores nothing after); a job that has ended is a 409. The change's event is recorded
 * by the database in the same transaction (V8), like every other status change.
 */
@Component
class JobCancellation {

    private static final Logger log = LoggerFactory.getLogger(JobCancellation.class);

    private final Jdbi jdbi;

    JobCancellation(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The job as it is after the cancel. */
    JobRecord cancel(TenantId tenant, JobRecord job) {
        if (!job.status().canMoveTo(JobStatus.CANCELLED)) {
            throw cannotCancel(job);
        }
        int cancelled = jdbi.withExtension(JobDao.class, dao -> dao.cancel(job.id(), tenant.value()));
        JobRecord now = jdbi.withExtension(JobDao.class, dao -> dao.findForTenant(job.id(), tenant.value()))
                .orElseThrow(() -> Problems.notFound("job " + new JobId(job.id())));
        if (cancelled == 0) {
            throw cannotCancel(now);
        }
        log.info("job cancelled (was {})", job.status().wireName());
        return now;
    }

    private static ErrorResponseException cannotCancel(JobRecord job) {
        return Problems.conflict("job " + new JobId(job.id()) + " is " + job.status().wireName()
                + "; it has already ended and cannot be cancelled");
    }
}
