package dev.sluice.devstack.simulator;

import dev.sluice.devstack.cli.Options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How an upstream enforces and reports its limits, as the command line of {@code ./sluice simulator} and
 * {@code ./sluice bench drain} gives it ({@link #OPTIONS}); the defaults are the simulator's own (Sluice's view).
 *
 * @param window            the window each per-minute limit is enforced over (1 ms to 1 min)
 * @param initialFill       how full a bucket starts, from 0 to 1
 * @param tokenCounting     how a prompt is charged at admission
 * @param rateLimitHeaders  whether answers carry {@code x-ratelimit-*} headers
 * @param reportedRpm       the requests limit the headers report (0: the enforced one)
 * @param reportedTpm       the tokens limit the headers report (0: the enforced one)
 */
public record LimitModel(Duration window, double initialFill, TokenCounting tokenCounting, boolean rateLimitHeaders,
                         long reportedRpm, long reportedTpm) {

    public static final Set<String> NAMES = Set.of("window-ms", "initial-fill", "token-count", "rate-limit-headers",
            "reported-rpm", "reported-tpm");

    public static final String OPTIONS = """
              --window-ms=60000                 enforce each per-minute limit over this window (1 to 60000 ms)
              --initial-fill=1                  how full the upstream's buckets start (0 to 1)
              --token-count=tiktoken            charge prompts by tiktoken or by characters (characters / 4)
              --rate-limit-headers=true         false: the upstream sends no x-ratelimit-* headers at all
              --reported-rpm=0 --reported-tpm=0 limits the headers report instead of the enforced ones (0: same)
            """;

    public LimitModel {
        BehaviourValues.defaults().with(BehaviourValues.ENFORCEMENT_WINDOW, window)
                .with(BehaviourValues.INITIAL_FILL, initialFill).with(BehaviourValues.TOKEN_COUNTING, tokenCounting)
                .with(BehaviourValues.REPORTED_REQUESTS_PER_MINUTE, reportedRpm)
                .with(BehaviourValues.REPORTED_TOKENS_PER_MINUTE, reportedTpm);
    }

    public static LimitModel defaults() {
        return new LimitModel(Duration.ofMinutes(1), 1, TokenCounting.TIKTOKEN, true, 0, 0);
    }

    /** Reads the options of {@link #NAMES}; throws {@link dev.sluice.devstack.cli.OptionException} naming a bad one. */
    public static LimitModel parse(Options given) {
        LimitModel defaults = defaults();
        return new LimitModel(Duration.ofMillis(given.number("window-ms", defaults.window().toMillis(), 1, 60_000)),
                given.decimal("initial-fill", defaults.initialFill(), 0, 1),
                given.choice("token-count", defaults.tokenCounting()),
                given.bool("rate-limit-headers", defaults.rateLimitHeaders()),
                given.number("reported-rpm", 0, 0, Long.MAX_VALUE), given.number("reported-tpm", 0, 0, Long.MAX_VALUE));
    }

    /** Switches {@code behaviour} to this model (its limits themselves stay as they are). */
    public SimulatorBehaviour applyTo(SimulatorBehaviour behaviour) {
        return behaviour.setEnforcementWindow(window).setInitialBucketFill(initialFill)
                .setTokenCounting(tokenCounting).setRateLimitHeaders(rateLimitHeaders)
                .setReportedRateLimits(reportedRpm, reportedTpm);
    }

    /** What differs from the simulator's own model, for a banner: "window 10 s, tokens by characters", or "default". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!window.equals(Duration.ofMinutes(1))) {
            parts.add("window " + GoDuration.format(window));
        }
        if (initialFill != 1) {
            parts.add("buckets start " + Math.round(initialFill * 100) + " % full");
        }
        if (tokenCounting != TokenCounting.TIKTOKEN) {
            parts.add("tokens by " + tokenCounting.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!rateLimitHeaders) {
            parts.add("no x-ratelimit-* headers");
        }
        if (reportedRpm > 0 || reportedTpm > 0) {
            parts.add("reports rpm " + (reportedRpm > 0 ? reportedRpm : "as enforced") + ", tpm "
                    + (reportedTpm > 0 ? reportedTpm : "as enforced"));
        }
        return parts.isEmpty() ? "default" : String.join(", ", parts);
    }
}
