package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.SplittableRandom;

import static dev.sluice.devstack.simulator.BehaviourValues.DROP_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.ERROR_RATE;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY;
import static dev.sluice.devstack.simulator.BehaviourValues.LATENCY_JITTER;
import static dev.sluice.devstack.simulator.BehaviourValues.STALL_RATE;

/** The random draws of a run, from one seeded generator: how long an answer takes and which fault, if any, hits. */
final class Faults {

    enum Fault { NONE, SERVER_ERROR, DROP, STALL }

    private final SplittableRandom random;

    Faults(long seed) {
        this.random = new SplittableRandom(seed);
    }

    synchronized Fault draw(BehaviourValues behaviour) {
        double draw = random.nextDouble();
        if (draw < behaviour.get(ERROR_RATE)) {
            return Fault.SERVER_ERROR;
        }
        if (draw < behaviour.get(ERROR_RATE) + behaviour.get(DROP_RATE)) {
            return Fault.DROP;
        }
        if (draw < behaviour.get(ERROR_RATE) + behaviour.get(DROP_RATE) + behaviour.get(STALL_RATE)) {
            return Fault.STALL;
        }
        return Fault.NONE;
    }

    /** The base latency plus a uniform draw from ±jitter, never below zero. */
    synchronized Duration latency(BehaviourValues behaviour) {
        long jitterNanos = behaviour.get(LATENCY_JITTER).toNanos();
        long offset = jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1);
        return Duration.ofNanos(Math.max(0, behaviour.get(LATENCY).toNanos() + offset));
    }
}
