package dev.sluice.common.testing;

import dev.sluice.common.json.SluiceJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import static dev.sluice.common.jobs.JobStatus.FAILED;
import static dev.sluice.common.jobs.JobStatus.RUNNING;
import static dev.sluice.common.jobs.JobStatus.SUCCEEDED;
import static dev.sluice.common.testing.JobAssert.assertThatJob;
import static dev.sluice.common.testing.JobAwait.awaitJob;
import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobFixturesTest {

    @Test
    void aJobNeedsNothingButWhatTheTestCaresAbout() {
        var job = aJob().withPrompt("hi").build();

        assertThat(job.model()).isEqualTo("gpt-4o-mini");
        assertThat(job.request().at("/messages/0/content").asString()).isEqualTo("hi");
        assertThat(job.batchId()).isNull();
        assertThat(job.isCacheable()).isTrue();
    }

    @Test
    void awaitJobReturnsTheViewThatShowedTheStatus() {
        Iterator<JsonNode> views = List.of(view("running"), view("failed"), view("succeeded")).iterator();

        JsonNode ended = awaitJob(views::next).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                .until(FAILED, SUCCEEDED);

        assertThatJob(ended).hasStatus(FAILED);
    }

    @Test
    void jobAssertShowsTheViewWhenTheStatusDiffers() {
        assertThatThrownBy(() -> assertThatJob(view("running")).hasStatus(SUCCEEDED))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("<succeeded>").hasMessageContaining("<running>");
        assertThatJob(view("running")).hasStatus(RUNNING);
    }

    private static JsonNode view(String status) {
        return SluiceJson.mapper().createObjectNode().put("id", "job_1").put("status", status);
    }
}
