package dev.sluice.devstack.bench;

/**
 * The upstream's mean latency, subtracted from end-to-end time to get Sluice's own overhead, and where the
 * figure came from (printed next to the overhead so nobody mistakes an assumed 0 for a measurement).
 */
record UpstreamLatency(long millis, String source, boolean isKnown) {

    static UpstreamLatency given(long millis) {
        return new UpstreamLatency(millis, "--upstream-latency-ms", true);
    }

    static UpstreamLatency fromSimulator(long millis) {
        return new UpstreamLatency(millis, "the simulator's latency_ms", true);
    }

    static UpstreamLatency assumedZero(String why) {
        return new UpstreamLatency(0, "assumed 0 (" + why + "), so the overhead includes the upstream's time", false);
    }
}
