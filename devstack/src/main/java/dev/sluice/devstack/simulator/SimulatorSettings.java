package dev.sluice.devstack.simulator;

import java.util.Objects;
import java.util.Set;

/**
 * Start-up settings of the {@link UpstreamSimulator}. What can change at run time lives in {@link SimulatorBehaviour}.
 *
 * @param port         TCP port to bind; 0 picks any free port
 * @param acceptedKeys bearer keys the simulator accepts; empty accepts any non-blank key
 * @param host         address to bind, 127.0.0.1 unless the simulator must be reachable from other hosts
 * @param seed         seed of the random draws (latency jitter and faults), so a run can be repeated
 */
public record SimulatorSettings(int port, Set<String> acceptedKeys, String host, long seed) {

    public static final String LOOPBACK = "127.0.0.1";

    public SimulatorSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        acceptedKeys = Set.copyOf(Objects.requireNonNull(acceptedKeys, "acceptedKeys"));
        if (acceptedKeys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("accepted keys must not be blank");
        }
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
    }

    /** Any free port on 127.0.0.1, any non-blank key, a fixed seed. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(0, Set.of(), LOOPBACK, 42L);
    }

    public SimulatorSettings withPort(int port) {
        return new SimulatorSettings(port, acceptedKeys, host, seed);
    }

    public SimulatorSettings withAcceptedKeys(Set<String> acceptedKeys) {
        return new SimulatorSettings(port, acceptedKeys, host, seed);
    }

    public SimulatorSettings withHost(String host) {
        return new SimulatorSettings(port, acceptedKeys, host, seed);
    }

    public SimulatorSettings withSeed(long seed) {
        return new SimulatorSettings(port, acceptedKeys, host, seed);
    }
}
