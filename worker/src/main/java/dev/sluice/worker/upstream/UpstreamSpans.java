package dev.sluice.worker.upstream;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import dev.sluice.common.tracing.JobSpans;
import dev.sluice.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The upstream call as a CLIENT span with OpenTelemetry's GenAI attributes: {@code chat <model>}, the requested and
 * answering model, the usage the upstream reported, the HTTP status and, for anything but a 2xx, {@code error.type}
 * (the status, {@code timeout}, {@code connection} or {@code response_too_large}). Prompts and answers are never put on
 * spans.
 */
public final class UpstreamSpans {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    /** The older name of the provider attribute, still read by many backends. */
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("sluice.upstream.name");

    private UpstreamSpans() {
    }

    /** Runs the call of {@code job} to the upstream named {@code upstream} in its span. */
    public static CompletableFuture<UpstreamReply> around(JobSubmitted job, String upstream,
                                                          Supplier<CompletableFuture<UpstreamReply>> call) {
        Span span = JobSpans.start(job, "chat " + job.model(), SpanKind.CLIENT)
                .setAttribute(OPERATION, "chat")
                .setAttribute(SYSTEM, "openai")
                .setAttribute(PROVIDER, "openai")
                .setAttribute(REQUEST_MODEL, job.model())
                .setAttribute(UPSTREAM, upstream);
        JsonNode maxTokens = job.request().get("max_completion_tokens") != null
                ? job.request().get("max_completion_tokens") : job.request().get("max_tokens");
        if (maxTokens != null && maxTokens.isIntegralNumber()) {
            span.setAttribute(REQUEST_MAX_TOKENS, maxTokens.asLong());
        }
        CompletableFuture<UpstreamReply> sent;
        try (var ignored = span.makeCurrent()) {
            sent = call.get();
        } catch (RuntimeException | Error e) {
            Tracing.end(span, e);
            throw e;
        }
        return sent.whenComplete((reply, failure) -> {
            if (failure == null && span.isRecording()) {
                describe(span, reply);
            }
            Tracing.end(span, failure);
        });
    }

    static void describe(Span span, UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            span.setAttribute(STATUS, (long) answered.status());
            if (answered.status() / 100 == 2) {
                describeAnswer(span, answered.body());
            } else {
                failed(span, Integer.toString(answered.status()));
            }
        } else if (reply instanceof UpstreamReply.TooLarge tooLarge) {
            span.setAttribute(STATUS, (long) tooLarge.status());
            failed(span, "response_too_large");
        } else if (reply instanceof UpstreamReply.Unreachable unreachable) {
            failed(span, unreachable.kind().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void describeAnswer(Span span, String body) {
        JsonNode answer;
        try {
            answer = SluiceJson.mapper().readTree(body);
        } catch (RuntimeException notJson) {
            return; // the classifier says what is wrong with it; the span keeps the status
        }
        if (answer == null || !answer.isObject()) {
            return;
        }
        text(answer, "model").ifPresent(model -> span.setAttribute(RESPONSE_MODEL, model));
        text(answer, "id").ifPresent(id -> span.setAttribute(RESPONSE_ID, id));
        JsonNode usage = answer.path("usage");
        if (usage.path("prompt_tokens").isIntegralNumber()) {
            span.setAttribute(INPUT_TOKENS, usage.path("prompt_tokens").asLong());
        }
        if (usage.path("completion_tokens").isIntegralNumber()) {
            span.setAttribute(OUTPUT_TOKENS, usage.path("completion_tokens").asLong());
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            text(choice, "finish_reason").ifPresent(reasons::add);
        }
        if (!reasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, reasons);
        }
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? java.util.Optional.of(value.asString()) : java.util.Optional.empty();
    }

    private static void failed(Span span, String errorType) {
        span.setAttribute(Tracing.ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR);
    }
}
