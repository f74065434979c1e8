package dev.sluice.common.jobs;

public record StatusCount(String status, long count) {
}
