package dev.sluice.common.jobs;

public record StatusCount(JobStatus status, long count) {
}
