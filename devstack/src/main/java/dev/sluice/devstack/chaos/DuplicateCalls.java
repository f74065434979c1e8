package dev.sluice.devstack.chaos;

import dev.sluice.common.jobs.JobId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which phase each duplicate paid upstream call belongs to. A duplicate of a job that a fault put at risk (a stopped
 * worker left it running, its call stalled past the timeout) belongs to that fault's phase: the fault explains it.
 * Any other duplicate belongs to the phase the job was submitted in, where nothing explains it.
 */
final class DuplicateCalls {

    /** Where a duplicate of a job that is none of this run's goes (the simulator answered some other client). */
    static final String NOT_OURS = "not this run's jobs";

    private DuplicateCalls() {
    }

    /**
     * @param extraPaidCalls paid calls beyond the first, by client request id (Sluice sends the job id)
     * @param atRisk         the phase whose fault put the job at risk, by job
     * @param submittedIn    the phase the job was submitted in, by job
     * @return duplicates by phase name; {@link #NOT_OURS} for ids of no job of the run
     */
    static Map<String, Long> byPhase(Map<String, Long> extraPaidCalls, Map<UUID, String> atRisk,
                                     Map<UUID, String> submittedIn) {
        Map<String, Long> byPhase = new LinkedHashMap<>();
        extraPaidCalls.forEach((clientRequestId, extra) -> {
            Optional<UUID> job = JobId.parse(clientRequestId).map(JobId::value);
            String phase = job.map(id -> atRisk.getOrDefault(id, submittedIn.get(id))).orElse(null);
            byPhase.merge(phase == null ? NOT_OURS : phase, extra, Long::sum);
        });
        return byPhase;
    }
}
