package dev.sluice.devstack.bench;

import dev.sluice.devstack.cli.OptionException;
import dev.sluice.devstack.cli.Options;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./sluice bench}: pours jobs into a running Sluice and prints figures. Phases: single submits from
 * 1 client, then from 32 clients, one big batch, then end to end once every job is terminal (or the wait
 * ends). The 1-client jobs are let finish before the 32-client phase starts, so their overhead is the
 * light-load figure. A benchmark that prints numbers, not a test: missed goals still exit 0.
 */
public final class SubmitBenchmark {

    static final int MANY_CLIENTS = 32;
    static final int POLLERS = 16;

    private static final Duration PHASE_TIME_LIMIT = Duration.ofMinutes(5);
    private static final Duration LIGHT_LOAD_SETTLE_LIMIT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final BenchOptions options;
    private final HttpClient client;
    private final SluiceHttp http;
    private final JsonMapper json;
    private final BenchReport report;
    private final PrintStream progress;

    private SubmitBenchmark(BenchOptions options, HttpClient client, JsonMapper json, PrintStream out,
                            PrintStream progress) {
        this.options = options;
        this.client = client;
        this.http = new SluiceHttp(client, options.baseUrl(), options.apiKey(), json);
        this.json = json;
        this.report = new BenchReport(out);
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        int exitCode = run(List.of(args), System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err);
        System.out.flush();
        System.exit(exitCode);
    }

    /** 0 when it ran (goals met or not), 2 on bad arguments, 1 when Sluice could not be reached. */
    static int run(List<String> args, Map<String, String> env, Path workingDirectory, PrintStream out,
                   PrintStream err) throws InterruptedException {
        if (Options.asksForHelp(args)) {
            out.print(BenchOptions.USAGE);
            return 0;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, env, workingDirectory);
        } catch (OptionException e) {
            err.println("sluice bench: " + e.getMessage());
            err.println("(./sluice bench --help lists the options)");
            return 2;
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
        SubmitBenchmark benchmark = new SubmitBenchmark(options, client, JsonMapper.builder().build(), out, err);
        int reachable = benchmark.checkSluiceAnswers();
        if (reachable != 0) {
            return reachable;
        }
        benchmark.runPhases();
        return 0;
    }

    /** 0 when Sluice answers and takes the key, 1 when it cannot be reached, 2 when it refuses the key. */
    private int checkSluiceAnswers() throws InterruptedException {
        try {
            SluiceHttp.Reply reply = http.probe();
            if (reply.status() == 401 || reply.status() == 403) {
                progress.printf("sluice bench: %s refused the API key (HTTP %d). Pass --api-key or SLUICE_API_KEY.%n",
                        options.baseUrl(), reply.status());
                return 2;
            }
            return 0;
        } catch (IOException e) {
            progress.printf("sluice bench: could not reach Sluice at %s (%s). Is it running? Try ./sluice standalone%n",
                    options.baseUrl(), e);
            return 1;
        }
    }

    private void runPhases() throws InterruptedException {
        Optional<SimulatorClient> simulator = options.simulatorUrl()
                .map(url -> new SimulatorClient(client, url, json));
        UpstreamLatency upstream = upstreamLatency(simulator);
        Optional<JsonNode> statsBefore = simulator.isPresent() ? simulator.get().stats() : Optional.empty();
        report.header(options, upstream);

        PromptFactory prompts = new PromptFactory(options.seed(), options.model(), json);
        SubmitLoad load = new SubmitLoad(http);
        int oneClientJobs = options.singleClientJobs();
        try (JobTracker tracker = new JobTracker(http, POLLERS)) {
            SubmitLoad.Result oneClient = load.run("1 client", 1,
                    prompts.serialisedJobs(0, oneClientJobs), PHASE_TIME_LIMIT);
            report.submitPhase(1, oneClient);
            tracker.trackJobs(oneClient.jobIds());
            Duration settle = min(options.maxWait(), LIGHT_LOAD_SETTLE_LIMIT);
            progress.printf("%n  letting the 1-client jobs finish before the next phase (at most %d s) ...%n",
                    settle.toSeconds());
            tracker.awaitTerminal(oneClient.jobIds(), settle);

            SubmitLoad.Result manyClients = load.run(MANY_CLIENTS + " concurrent clients", MANY_CLIENTS,
                    prompts.serialisedJobs(oneClientJobs, options.jobs()), PHASE_TIME_LIMIT);
            report.submitPhase(2, manyClients);
            tracker.trackJobs(manyClients.jobIds());

            progress.printf("%n  preparing a batch of %s jobs ...%n", BenchReport.count(options.batchSize()));
            BatchSubmit.Result batch = new BatchSubmit(http, json)
                    .run(prompts, oneClientJobs + options.jobs(), options.batchSize());
            report.batch(3, batch);
            if (batch.isAccepted()) {
                tracker.trackBatch(batch.batchId(), batch.jobIds());
            }

            List<String> allJobs = tracker.trackedJobs();
            progress.printf("%n  waiting for %s jobs to finish (at most %d s) ...%n",
                    BenchReport.count(allJobs.size()), options.maxWait().toSeconds());
            long waitStarted = System.nanoTime();
            tracker.awaitTerminal(allJobs, options.maxWait());
            Duration waited = Duration.ofNanos(System.nanoTime() - waitStarted);
            EndToEnd figures = EndToEnd.measure(tracker, allJobs, oneClient.jobIds(), upstream, waited);
            report.endToEnd(4, figures, upstream, tracker.pollErrors());

            if (simulator.isPresent() && statsBefore.isPresent()) {
                Optional<JsonNode> statsAfter = simulator.get().stats();
                if (statsAfter.isPresent()) {
                    report.simulatorCounters(simulator.get().baseUrl().toString(),
                            SimulatorClient.increases(statsBefore.get(), statsAfter.get()));
                }
            }
            List<Goal> goals = Goal.judge(manyClients, batch, figures);
            report.goals(goals);
            report.machineLine(options, oneClient, manyClients, batch, figures, upstream, goals);
        }
    }

    private UpstreamLatency upstreamLatency(Optional<SimulatorClient> simulator) throws InterruptedException {
        if (options.upstreamLatencyMs().isPresent()) {
            return UpstreamLatency.given(options.upstreamLatencyMs().getAsLong());
        }
        if (simulator.isEmpty()) {
            return UpstreamLatency.assumedZero("no --upstream-latency-ms or --simulator-url");
        }
        return simulator.get().latencyMs()
                .map(UpstreamLatency::fromSimulator)
                .orElseGet(() -> UpstreamLatency.assumedZero("the simulator gave no latency_ms"));
    }

    private static Duration min(Duration first, Duration second) {
        return first.compareTo(second) <= 0 ? first : second;
    }
}
