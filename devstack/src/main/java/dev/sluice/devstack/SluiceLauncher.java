package dev.sluice.devstack;

import dev.sluice.common.runtime.JvmDefaults;
import dev.sluice.devstack.bench.DrainBenchmark;
import dev.sluice.devstack.bench.IntakeBenchmark;
import dev.sluice.devstack.bench.MemoryBenchmark;
import dev.sluice.devstack.bench.SubmitBenchmark;
import dev.sluice.devstack.bench.WebhookBenchmark;
import dev.sluice.devstack.chaos.ChaosCommand;
import dev.sluice.devstack.ops.DeadLetterCommand;
import dev.sluice.devstack.simulator.SimulatorMain;
import dev.sluice.devstack.standalone.SluiceStack;
import dev.sluice.devstack.standalone.StackSettings;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The entry point of the devstack jar: one sub-command per tool. {@code ./sluice api} and {@code ./sluice worker}
 * run the production jars instead (see the {@code sluice} script).
 */
public final class SluiceLauncher {

    private static final String USAGE = """
            usage: sluice <command> [options]
              standalone   api + worker + embedded Kafka (+ upstream simulator when no OPENAI_API_KEY) in one JVM
              api          the HTTP api alone, from the api jar (needs KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL)
              worker       one worker process, from the worker jar (needs KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL,
                           OPENAI_API_KEY[_FILE])
              simulator    the OpenAI-compatible upstream simulator alone
              bench        pour jobs into a running Sluice and print figures (bench --help)
              bench drain  drain at the upstream's limits with 1 and 3 worker JVMs, naive baseline, capacity, cache
              bench intake the api alone (no worker): single submits cold and warm, batches, a 200 MB batch at -Xmx512m
              bench webhooks  webhook deliveries (live latency, a backlog's rate) and 5,000 concurrent long-polls
              bench memory one worker JVM drains 100,000 jobs; heap after GC, threads, sockets, db connections sampled
              chaos        its own stack under steady load, faults one after another, then a table of what became
                           of the jobs (chaos --help)
              dlq          list or replay dead-lettered jobs through the admin API (dlq list | dlq replay <id>... | --all)
            """;

    private SluiceLauncher() {
    }

    public static void main(String[] args) throws Exception {
        JvmDefaults.apply();
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "standalone" -> standalone();
            case "api", "worker" -> {
                // production runs only production code: each role has its own jar, without the broker and the tools
                System.err.println("sluice: " + args[0] + " runs from its own jar: ./sluice " + args[0]
                        + ", or java -jar " + args[0] + "/target/sluice-" + args[0] + "-<version>-exec.jar");
                System.exit(2);
            }
            case "simulator" -> SimulatorMain.main(rest);
            case "dlq" -> DeadLetterCommand.main(rest);
            case "chaos" -> ChaosCommand.main(rest);
            case "bench" -> {
                if (rest.length > 0 && "drain".equals(rest[0])) {
                    DrainBenchmark.main(Arrays.copyOfRange(rest, 1, rest.length));
                } else if (rest.length > 0 && "intake".equals(rest[0])) {
                    IntakeBenchmark.main(Arrays.copyOfRange(rest, 1, rest.length));
                } else if (rest.length > 0 && "webhooks".equals(rest[0])) {
                    WebhookBenchmark.main(Arrays.copyOfRange(rest, 1, rest.length));
                } else if (rest.length > 0 && "memory".equals(rest[0])) {
                    MemoryBenchmark.main(Arrays.copyOfRange(rest, 1, rest.length));
                } else {
                    SubmitBenchmark.main(rest);
                }
            }
            default -> {
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }

    private static void standalone() throws InterruptedException {
        StackSettings settings = StackSettings.fromEnvironment(System.getenv());
        SluiceStack stack = SluiceStack.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        String upstream = stack.simulator().isPresent()
                ? stack.upstreamBaseUrl() + "  (built-in simulator: no OPENAI_API_KEY or OPENAI_API_KEY_FILE is set)"
                : stack.upstreamBaseUrl();
        System.out.printf("""

                Sluice is running (standalone)
                  API:       %s
                  API key:   %s
                  Kafka:     %s%s
                  Upstream:  %s

                Try:
                  curl -s -X POST %s/v1/jobs -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\
                    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"max_tokens":32}'

                """, stack.apiUrl(), stack.devApiKey(), stack.bootstrapServers(),
                settings.kafkaBootstrapServers().isPresent() ? "" : "  (embedded; ./sluice worker can join it)",
                upstream, stack.apiUrl(), stack.devApiKey());
        stopped.await();
    }
}
