package dev.sluice.devstack.it;

import dev.sluice.devstack.it.SluiceClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input gets a 4xx problem that says what is wrong, and nothing reaches Kafka. */
class BadInputIT {

    private static SluiceClient client;
    private static String key;
    private long recordsBefore;

    @BeforeAll
    static void startStack() {
        client = TestStack.client();
        key = client.newTenantKey("badinput");
    }

    @BeforeEach
    void countRecords() throws Exception {
        recordsBefore = TestStack.settledJobRecords();
    }

    @AfterEach
    void nothingWasPutOnKafka() throws Exception {
        assertThat(TestStack.settledJobRecords()).isEqualTo(recordsBefore);
    }

    @Test
    void malformedJsonIs400() {
        Reply reply = client.post("/v1/jobs", key, "{\"model\": \"gpt-4o\", \"messages\": [");

        assertProblem(reply, 400, "not valid JSON");
    }

    @Test
    void aBodyThatIsNotAnObjectIs400() {
        Reply reply = client.post("/v1/jobs", key, "[1,2,3]");

        assertProblem(reply, 400, "must be a JSON object");
    }

    @Test
    void wrongTypesAre400AndNameTheField() {
        Reply reply = client.post("/v1/jobs", key, "{\"model\": 5, \"messages\": \"hello\", \"temperature\": \"hot\"}");

        assertProblem(reply, 400, "problems");
        assertThat(reply.body()).contains("\"model\"", "\"messages\"", "\"temperature\"");
    }

    @Test
    void missingMessagesIs400() {
        Reply reply = client.post("/v1/jobs", key, "{\"model\": \"gpt-4o-mini\"}");

        assertProblem(reply, 400, "messages: is required");
    }

    @Test
    void emptyMessagesIs400() {
        Reply reply = client.post("/v1/jobs", key, "{\"model\": \"gpt-4o-mini\", \"messages\": []}");

        assertProblem(reply, 400, "at least one message");
    }

    @Test
    void anUnknownRoleIs400() {
        Reply reply = client.post("/v1/jobs", key, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}");

        assertProblem(reply, 400, "unknown role 'wizard'");
    }

    @Test
    void maxTokensOverTheCapIs400() {
        Reply reply = client.post("/v1/jobs", key,
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":999999}");

        assertProblem(reply, 400, "max_tokens: must be at most");
    }

    @Test
    void streamingIsRefusedWith400() {
        Reply reply = client.post("/v1/jobs", key,
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");

        assertProblem(reply, 400, "streaming is not supported");
    }

    @Test
    void aBodyOverTheSizeLimitIs413() {
        String body = SluiceClient.chatJob("x".repeat(1024 * 1024 + 10));

        Reply reply = client.post("/v1/jobs", key, body);

        assertProblem(reply, 413, "larger than the limit");
    }

    @Test
    void aLargeReadmeSizedPromptUnderTheLimitIsAccepted() throws Exception {
        Reply reply = client.post("/v1/jobs", key, SluiceClient.chatJob("# README\n".repeat(50_000)));

        assertThat(reply.status()).isEqualTo(202);
        recordsBefore += 1;
    }

    @Test
    void invalidUtf8Is400() {
        byte[] prefix = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);

        Reply reply = client.postBytes("/v1/jobs", key, body);

        assertProblem(reply, 400, "not valid UTF-8");
    }

    @Test
    void aBatchOverTenThousandJobsIs400() {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 10_001; i++) {
            body.append(i == 0 ? "" : ",").append("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        }
        body.append("]}");

        Reply reply = client.post("/v1/jobs/batch", key, body.toString());

        assertProblem(reply, 400, "at most 10000");
    }

    @Test
    void duplicateCustomIdsInABatchAre400() {
        String body = """
                {"jobs":[
                  {"custom_id":"a","model":"gpt-4o-mini","messages":[{"role":"user","content":"1"}]},
                  {"custom_id":"a","model":"gpt-4o-mini","messages":[{"role":"user","content":"2"}]}
                ]}""";

        Reply reply = client.post("/v1/jobs/batch", key, body);

        assertProblem(reply, 400, "jobs[1].custom_id");
    }

    @Test
    void customIdOnASingleJobIs400() {
        Reply reply = client.post("/v1/jobs", key,
                "{\"custom_id\":\"x\",\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertProblem(reply, 400, "only allowed on jobs inside a batch");
    }

    @Test
    void anUnknownJobIdIs404() {
        Reply reply = client.get("/v1/jobs/job_0123456789abcdef0123456789abcdef", key);

        assertProblem(reply, 404, "does not exist");
    }

    @Test
    void somethingThatIsNotAJobIdIs404() {
        Reply reply = client.get("/v1/jobs/not-a-job", key);

        assertProblem(reply, 404, "does not exist");
    }

    @Test
    void aMissingKeyIs401() {
        Reply reply = client.post("/v1/jobs", null, SluiceClient.chatJob("hi"));

        assertProblem(reply, 401, "missing API key");
    }

    @Test
    void aWrongKeyIs401() {
        Reply reply = client.post("/v1/jobs", "sk-sluice-wrong", SluiceClient.chatJob("hi"));

        assertProblem(reply, 401, "not valid");
    }

    @Test
    void aWrongContentTypeOrMethodIsA4xxProblem() {
        Reply reply = client.send("PUT", "/v1/jobs", "Bearer " + key, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.contentType()).startsWith("application/problem+json");
    }

    private static void assertProblem(Reply reply, int status, String detailContains) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("type").stringValue()).startsWith("https://sluice.dev/problems/");
        assertThat(reply.json().get("detail").stringValue()).contains(detailContains);
        assertThat(reply.json().has("correlation_id")).isTrue();
    }
}
