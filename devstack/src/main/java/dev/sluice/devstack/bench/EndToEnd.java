package dev.sluice.devstack.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 4's figures. Times come from the server's {@code created_at} and {@code completed_at}, so how often
 * the benchmark polled does not count. They are taken over succeeded jobs only: a failed job's time is about
 * retries and back-off, not Sluice's overhead.
 *
 * @param byStatus      latest status of every tracked job, in a fixed order
 * @param unfinished    jobs not terminal when the wait ended
 * @param endToEnd      completed_at − created_at
 * @param overhead      end to end − the upstream's mean latency
 * @param lightOverhead overhead of the jobs of the 1-client phase
 */
record EndToEnd(int tracked, Map<String, Integer> byStatus, int unfinished, Percentiles endToEnd,
                Percentiles overhead, Percentiles lightOverhead, Duration waited) {

    EndToEnd {
        byStatus = Collections.unmodifiableMap(new LinkedHashMap<>(byStatus));
    }

    static EndToEnd measure(JobTracker tracker, List<String> allJobs, List<String> lightLoadJobs,
                            UpstreamLatency upstream, Duration waited) {
        long upstreamMicros = upstream.millis() * 1_000;
        List<Long> endToEnd = succeededEndToEndMicros(tracker, allJobs);
        List<Long> overhead = endToEnd.stream().map(micros -> micros - upstreamMicros).toList();
        List<Long> lightOverhead = succeededEndToEndMicros(tracker, lightLoadJobs).stream()
                .map(micros -> micros - upstreamMicros).toList();
        return new EndToEnd(allJobs.size(), tracker.countByStatus(allJobs), tracker.countUnfinished(allJobs),
                Percentiles.of(endToEnd), Percentiles.of(overhead), Percentiles.of(lightOverhead), waited);
    }

    private static List<Long> succeededEndToEndMicros(JobTracker tracker, List<String> jobIds) {
        List<Long> micros = new ArrayList<>();
        for (String jobId : jobIds) {
            tracker.observed(jobId)
                    .filter(job -> "succeeded".equals(job.status()))
                    .flatMap(JobTracker.Observed::endToEndMicros)
                    .ifPresent(micros::add);
        }
        return micros;
    }
}
