package dev.sluice.common.messaging;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Partitions bound how many worker processes share the jobs topic; replication is the cluster's durability. */
@Validated
@ConfigurationProperties("sluice.topics")
public record TopicsProperties(@Min(1) @Max(1000) int jobsPartitions, @Min(1) @Max(5) short replicationFactor) {
}
