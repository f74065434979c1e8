package dev.sluice.devstack.it;

import dev.sluice.devstack.it.SluiceClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over HTTP gets a 4xx {@code application/problem+json} that says what is wrong, and nothing reaches Kafka.
 * One row per kind of input the HTTP edge refuses (bytes, size, batch, path, key, method) and a few of the field
 * cases; the field cases themselves are in {@code JobRequestValidatorTest}.
 */
class BadInputIT {

    private static SluiceClient client;
    private static String key;
    private long recordsBefore;

    /**
     * A request the api must refuse: {@code detail} is what its problem's detail says (null: only the status and
     * the media type are checked), {@code alsoNamed} what else the body names.
     */
    record BadRequest(String name, Function<SluiceClient, Reply> send, int status, String detail, List<String> alsoNamed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadRequest> badRequests() {
        return Stream.of(
                new BadRequest("malformed JSON is 400", post("{\"model\": \"gpt-4o\", \"messages\": ["),
                        400, "not valid JSON", List.of()),
                new BadRequest("a body that is not an object is 400", post("[1,2,3]"),
                        400, "must be a JSON object", List.of()),
                new BadRequest("wrong types are 400 and name the field",
                        post("{\"model\": 5, \"messages\": \"hello\", \"temperature\": \"hot\"}"),
                        400, "problems", List.of("\"model\"", "\"messages\"", "\"temperature\"")),
                new BadRequest("missing messages is 400", post("{\"model\": \"gpt-4o-mini\"}"),
                        400, "messages: is required", List.of()),
                new BadRequest("a body over the size limit is 413", post(SluiceClient.chatJob("x".repeat(1024 * 1024 + 10))),
                        413, "larger than the limit", List.of()),
                new BadRequest("invalid UTF-8 is 400", api -> api.postBytes("/v1/jobs", key, invalidUtf8()),
                        400, "not valid UTF-8", List.of()),
                new BadRequest("a batch over ten thousand jobs is 400",
                        api -> api.post("/v1/jobs/batch", key, batchOf(10_001)),
                        400, "at most 10000", List.of()),
                new BadRequest("duplicate custom ids in a batch are 400", api -> api.post("/v1/jobs/batch", key, """
                        {"jobs":[
                          {"custom_id":"a","model":"gpt-4o-mini","messages":[{"role":"user","content":"1"}]},
                          {"custom_id":"a","model":"gpt-4o-mini","messages":[{"role":"user","content":"2"}]}
                        ]}"""),
                        400, "jobs[1].custom_id", List.of()),
                new BadRequest("a webhook_url at the metadata address is 400, even standalone (loopback allowed)",
                        post("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                                + "\"webhook_url\":\"http://169.254.169.254/latest/meta-data/\"}"),
                        400, "webhook_url", List.of("169.254.0.0/16")),
                new BadRequest("a batch whose webhook_url is a private address is 400",
                        api -> api.post("/v1/jobs/batch", key, "{\"webhook_url\":\"http://[::ffff:10.1.2.3]/h\","
                                + "\"jobs\":[" + SluiceClient.chatJob("1") + "]}"),
                        400, "webhook_url", List.of("10.0.0.0/8")),
                new BadRequest("an unknown job id is 404",
                        api -> api.get("/v1/jobs/job_0123456789abcdef0123456789abcdef", key),
                        404, "does not exist", List.of()),
                new BadRequest("something that is not a job id is 404", api -> api.get("/v1/jobs/not-a-job", key),
                        404, "does not exist", List.of()),
                new BadRequest("a missing key is 401", api -> api.post("/v1/jobs", null, SluiceClient.chatJob("hi")),
                        401, "missing API key", List.of()),
                new BadRequest("a wrong key is 401",
                        api -> api.post("/v1/jobs", "sk-sluice-wrong", SluiceClient.chatJob("hi")),
                        401, "not valid", List.of()),
                new BadRequest("a wrong method is 405", api -> api.send("PUT", "/v1/jobs", "Bearer " + key,
                        "{}".getBytes(StandardCharsets.UTF_8)),
                        405, null, List.of()));
    }

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

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithAProblem(BadRequest request) {
        Reply reply = request.send().apply(client);

        assertThat(reply.status()).as(reply.body()).isEqualTo(request.status());
        assertThat(reply.contentType()).startsWith("application/problem+json");
        if (request.detail() != null) {
            assertThat(reply.json().get("type").stringValue()).startsWith("https://sluice.dev/problems/");
            assertThat(reply.json().get("detail").stringValue()).contains(request.detail());
            assertThat(reply.json().has("correlation_id")).isTrue();
        }
        if (!request.alsoNamed().isEmpty()) {
            assertThat(reply.body()).contains(request.alsoNamed());
        }
    }

    @Test
    void aLargeReadmeSizedPromptUnderTheLimitIsAccepted() throws Exception {
        Reply reply = client.post("/v1/jobs", key, SluiceClient.chatJob("# README\n".repeat(50_000)));

        assertThat(reply.status()).isEqualTo(202);
        recordsBefore += 1;
    }

    /** A single job posted with this tenant's key. */
    private static Function<SluiceClient, Reply> post(String body) {
        return api -> api.post("/v1/jobs", key, body);
    }

    /** A single job whose content holds 0xC3 0x28, which is no UTF-8. */
    private static byte[] invalidUtf8() {
        byte[] prefix = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        return body;
    }

    private static String batchOf(int jobs) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < jobs; i++) {
            body.append(i == 0 ? "" : ",").append("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        }
        return body.append("]}").toString();
    }
}
