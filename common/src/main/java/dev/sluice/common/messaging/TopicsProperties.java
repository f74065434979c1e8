package dev.sluice.common.messaging;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Partitions bound how many worker processes share the jobs topic; replication is the cluster's durability;
 * {@code maxRecordSize} is the largest job record the api accepts and the job topics' {@code max.message.bytes}.
 */
@Validated
@ConfigurationProperties("sluice.topics")
public record TopicsProperties(@Min(1) @Max(1000) int jobsPartitions, @Min(1) @Max(5) short replicationFactor,
                               @NotNull DataSize maxRecordSize) {

    /** What a job record may take: the topic's limit less room for the record's headers and batch overhead. */
    public long maxJobRecordBytes() {
        return maxRecordSize.toBytes() - 1_024;
    }
}
