package dev.sluice.devstack.simulator;

import dev.sluice.devstack.cli.Options;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code ./sluice simulator [--name=value ...]}: the upstream simulator alone until interrupted ({@link #USAGE}). */
public final class SimulatorMain {

    static final String USAGE = """
            usage: sluice simulator [--name=value ...]
              The OpenAI-compatible upstream simulator alone, until interrupted.
              --port=8090          TCP port (0: any free port)
              --host=127.0.0.1     address to bind
              --key=sk-a,sk-b      the keys it accepts (default: any non-blank key)
              --latency-ms=MS      mean latency (default: the simulator's own)
              --rpm=0 --tpm=0      requests and tokens per minute per key and model (0: unlimited)
              --error-rate=0       fraction of requests answered with a server error (0 to 1)
              --seed=42            seed of the random draws
              How it enforces and reports its limits (default: as Sluice estimates them):
            """ + LimitModel.OPTIONS;

    private static final Set<String> NAMES = names();

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (Options.asksForHelp(args)) {
            System.out.print(USAGE);
            return;
        }
        Run run = Options.orExit("simulator", System.err, () -> Run.parse(args));
        SimulatorSettings settings = run.settings();
        UpstreamSimulator simulator = UpstreamSimulator.start(settings);
        run.latencyMillis().ifPresent(millis -> simulator.behaviour().setLatency(Duration.ofMillis(millis)));
        simulator.behaviour().setRateLimits(run.rpm(), run.tpm()).setErrorRate(run.errorRate());
        run.limitModel().applyTo(simulator.behaviour());
        System.out.println("simulator: " + simulator.baseUrl()
                + (settings.acceptedKeys().isEmpty() ? " (any key)" : "") + "; limits: " + run.limitModel().describe());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static Set<String> names() {
        Set<String> names = new java.util.HashSet<>(Set.of("port", "host", "key", "latency-ms", "rpm", "tpm",
                "error-rate", "seed"));
        names.addAll(LimitModel.NAMES);
        return Set.copyOf(names);
    }

    /** What the command line asks for: the start-up settings and the behaviour to switch to once started. */
    private record Run(SimulatorSettings settings, OptionalLong latencyMillis, long rpm, long tpm, double errorRate,
                       LimitModel limitModel) {

        static Run parse(String[] args) {
            Options given = Options.parse(args, NAMES);
            SimulatorSettings defaults = SimulatorSettings.defaults();
            SimulatorSettings settings = new SimulatorSettings((int) given.number("port", 8090, 0, 65_535),
                    Set.copyOf(given.list("key", List.of())), given.text("host", defaults.host()),
                    given.number("seed", defaults.seed(), Long.MIN_VALUE, Long.MAX_VALUE));
            return new Run(settings, given.optionalNumber("latency-ms", 0, Long.MAX_VALUE),
                    given.number("rpm", 0, 0, Long.MAX_VALUE), given.number("tpm", 0, 0, Long.MAX_VALUE),
                    given.decimal("error-rate", 0, 0, 1), LimitModel.parse(given));
        }
    }
}
