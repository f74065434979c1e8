package dev.sluice.worker.budget;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.tracing.JobSpans;
import dev.sluice.worker.upstream.Outcome;
import dev.sluice.worker.upstream.ReservationModel;
import dev.sluice.worker.upstream.UpstreamReply;
import dev.sluice.worker.upstream.UpstreamSpans;
import dev.sluice.worker.upstream.UpstreamTarget;
import dev.sluice.worker.upstream.UpstreamTargets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The upstream behind the shared budget: a job waits in the {@link BudgetGate} for its estimated tokens (as its
 * target's {@link ReservationModel} counts them), is sent, and every answer's rate-limit headers correct the shared
 * view. After the outcome is known, a target whose upstream charges usage has the estimate settled against the usage
 * it reported (OpenAI's rule settles nothing: it charges at admission and never gives back), and a 429 rate limit
 * puts the model into a cool-down every worker obeys and teaches the budget the limit its message names.
 */
public class MeteredUpstream {

    private static final Logger log = LoggerFactory.getLogger(MeteredUpstream.class);
    private static final Duration HEADERLESS_TELL_INTERVAL = Duration.ofSeconds(10);
    private static final Pattern NAMED_LIMIT = Pattern.compile("\\bper min\\b[^.]*?\\bLimit (\\d{1,15})\\b");

    /** One metered call: where it went, whose budget it used and what it was estimated to cost. */
    public record Call(UpstreamTarget target, BudgetKey key, TokenEstimate estimate) {
    }

    public sealed interface Result {
        /** The call was made; here is the answer. */
        record Sent(Call call, UpstreamReply reply) implements Result {
        }

        /** The job needs more tokens than the whole per-minute limit: it was not sent and never can be. */
        record TooLarge(Call call, long tokensPerMinute) implements Result {
        }

        /** No configured target serves the job's model: it was not sent. */
        record NotServed(String model) implements Result {
        }

        /** While it waited for budget, the job's partition went to another worker: it was not sent from here. */
        record Abandoned(Call call) implements Result {
        }

        /** Its deadline passed while it waited for budget: it was not sent and is not to be. */
        record Expired(Call call) implements Result {
        }

        /** The budget admitted the call, but by then it was no longer to be sent (its circuit had opened). */
        record Withheld(Call call) implements Result {
        }
    }

    private final UpstreamTargets targets;
    private final BudgetGate gate;
    private final UpstreamBudget budget;
    private final TokenEstimator estimator;
    private final BudgetMetrics metrics;
    private final Duration longestCoolDown;
    private final AtomicInteger turn = new AtomicInteger();
    /** When this process last told a budget that an answer came without any x-ratelimit-* header (nanoTime). */
    private final Map<BudgetKey, Long> toldHeaderless = new ConcurrentHashMap<>();

    /** {@code longestCoolDown}: the cap on the shared cool-down one 429 starts (UPSTREAM_MAX_COOL_DOWN). */
    public MeteredUpstream(UpstreamTargets targets, BudgetGate gate, UpstreamBudget budget, TokenEstimator estimator,
                           BudgetMetrics metrics, Duration longestCoolDown) {
        this.targets = targets;
        this.gate = gate;
        this.budget = budget;
        this.estimator = estimator;
        this.metrics = metrics;
        this.longestCoolDown = longestCoolDown;
    }

    public CompletableFuture<Result> send(JobSubmitted job) {
        return send(job, () -> true, () -> true);
    }

    /**
     * Waits for the job's budget, then sends it if, at that moment, this worker still owns the job's partition
     * ({@code stillOwned}) and its circuit still lets it go ({@code maySend}). The budget spent on a call not made is
     * not given back; it refills.
     */
    public CompletableFuture<Result> send(JobSubmitted job, BooleanSupplier stillOwned, BooleanSupplier maySend) {
        Optional<UpstreamTarget> routed = route(job.model());
        if (routed.isEmpty()) {
            return CompletableFuture.completedFuture(new Result.NotServed(job.model()));
        }
        UpstreamTarget target = routed.get();
        Call call = new Call(target, new BudgetKey(target.name(), job.model()),
                estimator.estimate(job.request(), target.reservation()));
        BudgetGate.Ticket ticket = new BudgetGate.Ticket(call.key(), job.tenantId().toString(), job.batchId() != null,
                call.estimate().total(), job.deadline());
        return JobSpans.around(job, "budget wait", () -> gate.admit(ticket)).thenCompose(admission -> {
            if (admission instanceof Admission.TooLarge tooLarge) {
                return CompletableFuture.completedFuture(new Result.TooLarge(call, tooLarge.tokensPerMinute()));
            }
            if (admission instanceof Admission.Expired) {
                return CompletableFuture.completedFuture(new Result.Expired(call));
            }
            if (!stillOwned.getAsBoolean()) {
                // the budget taken stays spent (a call's worth at most): cheaper than paying the upstream twice
                return CompletableFuture.completedFuture(new Result.Abandoned(call));
            }
            if (!maySend.getAsBoolean()) {
                return CompletableFuture.completedFuture(new Result.Withheld(call));
            }
            return UpstreamSpans.around(job, target.name(), () -> target.client().complete(job)).thenApply(reply -> {
                learnFrom(call, reply);
                return new Result.Sent(call, reply);
            });
        });
    }

    /**
     * Which target a job goes to: among those serving its model with a usable key, the one whose budget lane has the
     * fewest jobs waiting in this worker (a lane drains at its key's rate, so a faster or emptier key gets more),
     * taking turns on a tie. With every such key paused it still picks one; that call meets the pause.
     */
    Optional<UpstreamTarget> route(String model) {
        List<UpstreamTarget> serving = targets.serving(model);
        if (serving.size() <= 1) {
            return serving.stream().findFirst();
        }
        List<UpstreamTarget> usable = serving.stream().filter(target -> !target.health().isPaused()).toList();
        List<UpstreamTarget> candidates = usable.isEmpty() ? serving : usable;
        int start = Math.floorMod(turn.getAndIncrement(), candidates.size());
        UpstreamTarget best = null;
        int fewest = Integer.MAX_VALUE;
        for (int offset = 0; offset < candidates.size(); offset++) {
            UpstreamTarget candidate = candidates.get((start + offset) % candidates.size());
            int waiting = gate.waiting(new BudgetKey(candidate.name(), model));
            if (waiting < fewest) {
                best = candidate;
                fewest = waiting;
            }
        }
        return Optional.of(best);
    }

    /**
     * Counts a success's usage and, when its target's upstream charges usage, settles the estimate's prompt part
     * against it, or, when it is charged at admission and the answer said nothing of the tokens left, teaches the
     * charge ratio how the upstream counted the prompt; or starts the shared cool-down of a 429 rate limit.
     */
    public void settle(Result.Sent sent, Outcome outcome) {
        Call call = sent.call();
        if (outcome instanceof Outcome.Succeed succeed) {
            // the tokens used are counted by UpstreamMetrics, with the call's outcome
            JsonNode usage = succeed.response().path("usage");
            long prompt = usage.path("prompt_tokens").asLong(call.estimate().promptTokens());
            long refund = call.estimate().promptTokens() - prompt;
            if (call.target().reservation().settledToUsage()) {
                if (refund != 0) {
                    quietly(budget.settle(call.key(), refund), "settle");
                }
            } else if (usage.path("prompt_tokens").isNumber() && tokensLeftUntold(sent.reply())) {
                // what the upstream would charge counting the prompt as it does, plus the output cap at admission
                long counted = prompt + call.estimate().completionTokens();
                quietly(budget.learnFromUsage(call.key(), call.estimate().total(), counted)
                        .thenAccept(ratio -> metrics.chargeRatio(call.key(), ratio)), "learn the charge ratio");
            }
        } else if (outcome instanceof Outcome.RateLimited limited) {
            JsonNode error = limited.upstreamError() == null ? null : limited.upstreamError().path("error");
            String limitType = error == null ? "" : error.path("type").asString("");
            // one 429 with retry-after: 86400 must not freeze the model for every tenant for a day
            Duration wait = limited.delay().compareTo(longestCoolDown) > 0 ? longestCoolDown : limited.delay();
            quietly(budget.coolDown(call.key(), wait, limitType,
                    namedLimit(error == null ? "" : error.path("message").asString(""))), "cool down");
        }
    }

    private static boolean tokensLeftUntold(UpstreamReply reply) {
        return reply instanceof UpstreamReply.Answered answered
                && RateLimitHeaders.of(answered.headers()).remainingTokens().isEmpty();
    }

    /**
     * The per-minute limit a 429's message names, as OpenAI words it ("... on tokens per min (TPM): Limit 30000, Used
     * 29950, Requested 1200. ..."); empty when it names none, or names a limit of another period (a day's).
     */
    static OptionalLong namedLimit(String message) {
        Matcher matcher = NAMED_LIMIT.matcher(message);
        if (!matcher.find()) {
            return OptionalLong.empty();
        }
        try {
            long limit = Long.parseLong(matcher.group(1));
            return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private void learnFrom(Call call, UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            gate.answered(call.key());
            RateLimitHeaders headers = RateLimitHeaders.of(answered.headers());
            metrics.learned(call.key(), headers);
            // without headers, at most every 10 s per budget: a budget with no limit known learns there is none
            if (!headers.isEmpty() || tellHeaderless(call.key())) {
                quietly(budget.observe(call.key(), headers)
                        .thenAccept(ratio -> metrics.chargeRatio(call.key(), ratio)), "learn limits");
            }
        }
    }

    private boolean tellHeaderless(BudgetKey key) {
        long now = System.nanoTime();
        Long last = toldHeaderless.get(key);
        if (last != null && now - last < HEADERLESS_TELL_INTERVAL.toNanos()) {
            return false;
        }
        toldHeaderless.put(key, now);
        return true;
    }

    private static void quietly(CompletableFuture<Void> step, String what) {
        step.whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("could not {} in the shared budget (Redis): {}", what, failure.toString());
            }
        });
    }
}
