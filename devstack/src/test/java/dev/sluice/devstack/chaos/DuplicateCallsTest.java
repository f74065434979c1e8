package dev.sluice.devstack.chaos;

import dev.sluice.common.jobs.JobId;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicateCallsTest {

    private static final JobId HELD_AT_THE_KILL = JobId.newId();
    private static final JobId SUBMITTED_IN_THE_OUTAGE = JobId.newId();

    @Test
    void aDuplicateOfAJobAFaultPutAtRiskBelongsToThatFault() {
        Map<String, Long> byPhase = DuplicateCalls.byPhase(Map.of(HELD_AT_THE_KILL.toString(), 2L),
                Map.of(HELD_AT_THE_KILL.value(), "kill"), Map.of(HELD_AT_THE_KILL.value(), "outage"));

        assertThat(byPhase).containsExactly(Map.entry("kill", 2L));
    }

    @Test
    void anyOtherDuplicateBelongsToThePhaseTheJobWasSubmittedIn() {
        Map<String, Long> byPhase = DuplicateCalls.byPhase(Map.of(SUBMITTED_IN_THE_OUTAGE.toString(), 1L),
                Map.of(HELD_AT_THE_KILL.value(), "kill"), Map.of(SUBMITTED_IN_THE_OUTAGE.value(), "outage"));

        assertThat(byPhase).containsExactly(Map.entry("outage", 1L));
    }

    @Test
    void aDuplicateOfNoJobOfTheRunIsSetApart() {
        Map<String, Long> byPhase = DuplicateCalls.byPhase(Map.of("req_other_client", 1L,
                JobId.newId().toString(), 1L), Map.of(), Map.<UUID, String>of());

        assertThat(byPhase).containsExactly(Map.entry(DuplicateCalls.NOT_OURS, 2L));
    }
}
