package dev.sluice.devstack.simulator;

import java.time.Duration;

import static dev.sluice.devstack.simulator.BehaviourValues.BUCKET_GENERATION;
import static dev.sluice.devstack.simulator.BehaviourValues.ENFORCEMENT_WINDOW;
import static dev.sluice.devstack.simulator.BehaviourValues.INITIAL_FILL;
import static dev.sluice.devstack.simulator.BehaviourValues.REQUESTS_PER_MINUTE;
import static dev.sluice.devstack.simulator.BehaviourValues.TOKENS_PER_MINUTE;

/**
 * The enforced limits of every key and model: its requests and tokens buckets, and the generation of buckets (a
 * bucket made in an earlier generation, or under other rules, starts afresh at its initial fill).
 */
record LimitRules(BucketRules requests, BucketRules tokens, long generation) {

    static LimitRules of(BehaviourValues values) {
        Duration window = values.get(ENFORCEMENT_WINDOW);
        double fill = values.get(INITIAL_FILL);
        return new LimitRules(new BucketRules(values.get(REQUESTS_PER_MINUTE), window, fill),
                new BucketRules(values.get(TOKENS_PER_MINUTE), window, fill), values.get(BUCKET_GENERATION));
    }
}
