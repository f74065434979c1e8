package dev.sluice.devstack.it;

import dev.sluice.devstack.it.SluiceClient.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BatchIT {

    private static SluiceClient client;
    private static String key;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("batch");
    }

    @Test
    void aThousandJobBatchIsAcceptedInOneCallAndEveryJobSucceeds() {
        StringBuilder body = new StringBuilder("{\"metadata\":{\"run\":\"nightly\"},\"jobs\":[");
        for (int i = 0; i < 1000; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"custom_id\":\"row-").append(i).append("\",\"model\":\"gpt-4o-mini\",\"max_tokens\":32,")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"summarise row ").append(i).append("\"}]}");
        }
        body.append("]}");

        Reply accepted = client.post("/v1/jobs/batch", key, body.toString());

        assertThat(accepted.status()).isEqualTo(202);
        String batchId = accepted.json().get("id").stringValue();
        assertThat(accepted.json().get("job_ids")).hasSize(1000);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                client.get("/v1/batches/" + batchId + "?limit=1", key).json().get("counts").get("succeeded").longValue() == 1000);
        List<JsonNode> jobs = allJobs(batchId);
        assertThat(jobs).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            JsonNode job = jobs.get(i);
            assertThat(job.get("id").stringValue()).isEqualTo(accepted.json().get("job_ids").get(i).stringValue());
            assertThat(job.get("custom_id").stringValue()).isEqualTo("row-" + i);
            assertThat(job.get("batch_id").stringValue()).isEqualTo(batchId);
            assertThat(job.get("metadata").get("run").stringValue()).isEqualTo("nightly");
            assertThat(job.get("result").get("content").stringValue()).contains("summarise row " + i);
        }
    }

    @Test
    void aBatchWithOneBadEntryIsRejectedWholeAndListsEveryBadEntry() throws Exception {
        long before = TestStack.settledJobRecords();
        String body = """
                {"jobs":[
                  {"model":"gpt-4o-mini","messages":[{"role":"user","content":"fine"}]},
                  {"model":"gpt-4o-mini","messages":[]},
                  {"model":"gpt-4o-mini","messages":[{"role":"wizard","content":"x"}]}
                ]}""";

        Reply reply = client.post("/v1/jobs/batch", key, body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        reply.json().get("errors").forEach(error -> fields.add(error.get("field").stringValue()));
        assertThat(fields).containsExactly("jobs[1].messages", "jobs[2].messages[0].role");
        assertThat(TestStack.settledJobRecords()).isEqualTo(before);
    }

    private static List<JsonNode> allJobs(String batchId) {
        List<JsonNode> jobs = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 20; page++) {
            JsonNode view = client.get("/v1/batches/" + batchId + "?limit=300" + (after == null ? "" : "&after=" + after), key).json();
            view.get("jobs").get("data").forEach(jobs::add);
            if (!view.get("jobs").get("has_more").booleanValue()) {
                break;
            }
            after = view.get("jobs").get("last_id").stringValue();
        }
        return jobs;
    }
}
