package dev.sluice.devstack.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sluice simulator [--port=8090] [--host=127.0.0.1] [--key=sk-...] [--latency-ms=50] [--rpm=0] [--tpm=0]
 * [--error-rate=0] [--seed=42]}: runs the upstream simulator alone until interrupted.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorSettings settings = SimulatorSettings.defaults().withPort(8090);
        Set<String> keys = new HashSet<>();
        Duration latency = null;
        long rpm = 0;
        long tpm = 0;
        double errorRate = 0;
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'; options: port, host, "
                        + "key, latency-ms, rpm, tpm, error-rate, seed");
            }
            switch (pair[0]) {
                case "port" -> settings = settings.withPort(Integer.parseInt(pair[1]));
                case "host" -> settings = settings.withHost(pair[1]);
                case "key" -> keys.addAll(Arrays.asList(pair[1].split(",")));
                case "latency-ms" -> latency = Duration.ofMillis(Long.parseLong(pair[1]));
                case "rpm" -> rpm = Long.parseLong(pair[1]);
                case "tpm" -> tpm = Long.parseLong(pair[1]);
                case "error-rate" -> errorRate = Double.parseDouble(pair[1]);
                case "seed" -> settings = settings.withSeed(Long.parseLong(pair[1]));
                default -> throw new IllegalArgumentException("unknown option --" + pair[0]);
            }
        }
        UpstreamSimulator simulator = UpstreamSimulator.start(settings.withAcceptedKeys(keys));
        if (latency != null) {
            simulator.behaviour().setLatency(latency);
        }
        simulator.behaviour().setRateLimits(rpm, tpm).setErrorRate(errorRate);
        System.out.println("simulator: " + simulator.baseUrl() + (keys.isEmpty() ? " (any key)" : ""));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
