package dev.sluice.worker.ratelimit;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.worker.upstream.Outcome;
import dev.sluice.worker.upstream.UpstreamClient;
import dev.sluice.worker.upstream.UpstreamReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The upstream behind the shared budget: a job waits in the {@link BudgetGate} for its estimated tokens, is sent,
 * and every answer's rate-limit headers correct the shared view. After the outcome is known, the estimate is settled
 * against the usage the upstream reported, and a 429 rate limit puts the model into a cool-down every worker obeys.
 */
public class MeteredUpstream {

    private static final Logger log = LoggerFactory.getLogger(MeteredUpstream.class);

    /** One metered call: whose budget it used and what it was estimated to cost. */
    public record Call(BudgetKey key, TokenEstimate estimate) {
    }

    public sealed interface Result {
        /** The call was made; here is the answer. */
        record Sent(Call call, UpstreamReply reply) implements Result {
        }

        /** The job needs more tokens than the whole per-minute limit: it was not sent and never can be. */
        record TooLarge(Call call, long tokensPerMinute) implements Result {
        }
    }

    private final UpstreamClient upstream;
    private final BudgetGate gate;
    private final UpstreamBudget budget;
    private final TokenEstimator estimator;
    private final String upstreamName;
    private final MeterRegistry meters;

    public MeteredUpstream(UpstreamClient upstream, BudgetGate gate, UpstreamBudget budget, TokenEstimator estimator,
                           String upstreamName, MeterRegistry meters) {
        this.upstream = upstream;
        this.gate = gate;
        this.budget = budget;
        this.estimator = estimator;
        this.upstreamName = upstreamName;
        this.meters = meters;
    }

    public CompletableFuture<Result> send(JobSubmitted job) {
        Call call = new Call(new BudgetKey(upstreamName, job.model()), estimator.estimate(job.request()));
        BudgetGate.Ticket ticket = new BudgetGate.Ticket(call.key(), job.tenantId().toString(), job.batchId() != null,
                call.estimate().total());
        return gate.admit(ticket).thenCompose(admission -> {
            if (admission instanceof Admission.TooLarge tooLarge) {
                return CompletableFuture.completedFuture(new Result.TooLarge(call, tooLarge.tokensPerMinute()));
            }
            return upstream.complete(job).thenApply(reply -> {
                learnFrom(call, reply);
                return new Result.Sent(call, reply);
            });
        });
    }

    /** Settles a success's estimate against its usage, or starts the shared cool-down of a 429 rate limit. */
    public void settle(Call call, Outcome outcome) {
        if (outcome instanceof Outcome.Succeed succeed) {
            JsonNode usage = succeed.response().path("usage");
            long prompt = usage.path("prompt_tokens").asLong(call.estimate().promptTokens());
            long completion = usage.path("completion_tokens").asLong(0);
            count("prompt", call, prompt);
            count("completion", call, completion);
            long refund = call.estimate().promptTokens() - prompt;
            if (refund != 0) {
                quietly(budget.settle(call.key(), refund), "settle");
            }
        } else if (outcome instanceof Outcome.RateLimited limited) {
            String limitType = limited.upstreamError() == null ? ""
                    : limited.upstreamError().path("error").path("type").asString("");
            quietly(budget.coolDown(call.key(), limited.delay(), limitType), "cool down");
        }
    }

    private void learnFrom(Call call, UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            RateLimitHeaders headers = RateLimitHeaders.of(answered.headers());
            if (!headers.isEmpty()) {
                quietly(budget.observe(call.key(), headers), "learn limits");
            }
        }
    }

    private void count(String kind, Call call, long tokens) {
        Counter.builder("sluice.upstream.tokens").tag("kind", kind).tag("model", call.key().model())
                .description("tokens the upstream reported as used").register(meters).increment(tokens);
    }

    private static void quietly(CompletableFuture<Void> step, String what) {
        step.whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("could not {} in the shared budget (Redis): {}", what, failure.toString());
            }
        });
    }
}
