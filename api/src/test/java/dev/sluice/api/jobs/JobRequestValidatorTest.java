package dev.sluice.api.jobs;

import dev.sluice.api.problems.FieldProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JobRequestValidatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JobRequestValidator validator = new JobRequestValidator(4096);

    private JobRequestValidator.Validated validate(String json) {
        JsonNode body = JSON.readTree(json);
        return validator.validate(body, "", false);
    }

    @Test
    void acceptsAMinimalChatRequest() {
        var result = validate("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(result.isValid()).isTrue();
        assertThat(result.draft().request().get("model").stringValue()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void removesSluiceFieldsAndKeepsEveryOtherFieldForTheUpstream() {
        var result = validate("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":{"a":"b"},
                 "webhook_url":"https://example.com/h","response_format":{"type":"json_object"},"seed":3,"tools":[]}""");

        assertThat(result.isValid()).isTrue();
        assertThat(result.draft().request().has("metadata")).isFalse();
        assertThat(result.draft().request().has("webhook_url")).isFalse();
        assertThat(result.draft().request().get("response_format").get("type").stringValue()).isEqualTo("json_object");
        assertThat(result.draft().request().get("seed").intValue()).isEqualTo(3);
        assertThat(result.draft().metadata()).containsEntry("a", "b");
        assertThat(result.draft().webhookUrl()).isEqualTo("https://example.com/h");
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        var result = validate("""
                {"model":"","messages":[{"role":"user"},{"role":"robot","content":"x"},{"role":"tool","content":"x"}],
                 "max_tokens":0,"temperature":3,"n":0,"stream":true,"metadata":{"k":1},"webhook_url":"ftp://x"}""");

        assertThat(result.problems()).extracting(FieldProblem::field).containsExactlyInAnyOrder(
                "model", "messages[0].content", "messages[1].role", "messages[2].tool_call_id",
                "max_tokens", "temperature", "n", "stream", "metadata.k", "webhook_url");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://169.254.169.254/latest/meta-data/ | 169.254.0.0/16",
            "http://10.0.0.7:8080/hook                | 10.0.0.0/8",
            "http://[::1]/hook                        | 0:0:0:0:0:0:0:1/128",
            "http://[::ffff:192.168.1.1]/hook         | 192.168.0.0/16",
            "http://[64:ff9b::a9fe:a9fe]/hook         | 169.254.169.254",
            "https://user:pw@93.184.216.34/hook       | user name or password"})
    void refusesWebhookUrlsThatPointInside(String url, String named) {
        var result = validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"webhook_url\":\"" + url + "\"}");

        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("webhook_url");
            assertThat(problem.message()).contains(named);
        });
    }

    @Test
    void acceptsAPublicWebhookAddressAndAHostThatDoesNotResolveYet() {
        assertThat(validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"webhook_url\":\"https://93.184.216.34/hook\"}").isValid()).isTrue();
        assertThat(validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"webhook_url\":\"https://hooks.sluice-test.invalid/hook\"}").isValid())
                .as("checked again before every delivery").isTrue();
    }

    @Test
    void refusesMaxTokensOverTheCap() {
        var result = validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":5000}");

        assertThat(result.problems()).extracting(FieldProblem::message).singleElement().asString().contains("at most 4096");
    }

    @Test
    void allowsAnAssistantMessageWithToolCallsAndNoContent() {
        var result = validate("""
                {"model":"m","messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"sunny"}]}""");

        assertThat(result.isValid()).isTrue();
    }

    @Test
    void acceptsContentAsAnArrayOfParts() {
        var result = validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");

        assertThat(result.isValid()).isTrue();
    }

    @Test
    void streamFalseIsFine() {
        var result = validate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}");

        assertThat(result.isValid()).isTrue();
    }

    /** The field cases of the HTTP 400 for a single job (BadInputIT keeps a few of them end to end). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a body that is not an object  | [1,2,3]                                                                                       | $: must be a JSON object
            missing messages              | {"model": "gpt-4o-mini"}                                                                      | messages: is required
            empty messages                | {"model": "gpt-4o-mini", "messages": []}                                                      | at least one message
            an unknown role               | {"model":"gpt-4o-mini","messages":[{"role":"wizard","content":"hi"}]}                         | unknown role 'wizard'
            max_tokens over the cap       | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":999999}       | max_tokens: must be at most
            streaming                     | {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}             | streaming is not supported
            custom_id on a single job     | {"custom_id":"x","model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}           | only allowed on jobs inside a batch
            """)
    void refusesABadSingleJobAndSaysWhy(String name, String body, String problem) {
        var result = validate(body);

        assertThat(result.problems()).extracting(found -> found.field() + ": " + found.message())
                .anySatisfy(text -> assertThat(text).contains(problem));
    }

    @Test
    void namesEveryFieldOfTheWrongType() {
        var result = validate("{\"model\": 5, \"messages\": \"hello\", \"temperature\": \"hot\"}");

        assertThat(result.problems()).extracting(FieldProblem::field).contains("model", "messages", "temperature");
    }
}
