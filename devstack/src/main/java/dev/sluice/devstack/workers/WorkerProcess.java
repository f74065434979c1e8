package dev.sluice.devstack.workers;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One api or worker as a separate JVM: {@code java -jar <role jar>} with its own environment, exactly as a deployment
 * runs it, its output in a log file. The role jars are the production artifacts that {@code api} and {@code worker}
 * build ({@code target/sluice-<role>-<version>-exec.jar}), not this devstack jar. The drain benchmark runs several
 * workers; the fault tests kill them ({@link #kill}, SIGKILL) and stop them ({@link #terminate}, SIGTERM).
 */
public final class WorkerProcess implements AutoCloseable {

    /** Small heap and the serial collector: several workers and the rest of Sluice share 2 cores. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A production role, run from its own jar. */
    public enum Role {
        API, WORKER;

        /** The system property naming this role's jar; {@code ./sluice} and failsafe set it. */
        public String jarProperty() {
            return "sluice." + name().toLowerCase(Locale.ROOT) + ".jar";
        }

        /** This role's runnable jar, as {@link #jarProperty()} names it. */
        public Path jar() {
            String module = name().toLowerCase(Locale.ROOT);
            String configured = System.getProperty(jarProperty());
            if (configured == null || configured.isBlank()) {
                throw new IllegalStateException(module + " processes start from the " + module + " jar: run through "
                        + "./sluice, or name it with -D" + jarProperty() + "=" + module + "/target/sluice-" + module
                        + "-<version>-exec.jar (mvn package builds it)");
            }
            Path path = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("the " + module + " jar " + path + " does not exist; build it "
                        + "(mvn package)");
            }
            return path;
        }
    }

    private final Process process;
    private final int port;
    private final Path logFile;

    private WorkerProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmOptions> -jar <worker jar>}. The environment is this process's, plus {@code environment},
     * plus {@code SERVER_PORT} and {@code MANAGEMENT_PORT} (one free port, for {@code /ready} and the actuator; a
     * {@code MANAGEMENT_PORT} in {@code environment} puts the actuator there instead).
     * Returns at once; see {@link #isReady}.
     */
    public static WorkerProcess start(Map<String, String> environment, List<String> jvmOptions, Path logFile)
            throws IOException {
        return start(Role.WORKER, environment, jvmOptions, logFile);
    }

    /** Like {@link #start(Map, List, Path)} for either role, from that role's own jar. */
    public static WorkerProcess start(Role role, Map<String, String> environment, List<String> jvmOptions,
                                      Path logFile) throws IOException {
        Path jar = role.jar();
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        // actuator on that same port, where the benchmarks and chaos runs read the worker's metrics, unless the caller
        // gives it a port of its own
        builder.environment().put("MANAGEMENT_PORT",
                environment.getOrDefault("MANAGEMENT_PORT", Integer.toString(port)));
        builder.redirectErrorStream(true);
        builder.redirectOutput(logFile.toFile());
        return new WorkerProcess(builder.start(), port, logFile);
    }

    public long pid() {
        return process.pid();
    }

    /** The worker's HTTP port: {@code /ready} and {@code /actuator}. */
    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    /** The worker's own HTTP port on 127.0.0.1: {@code /ready}, {@code /actuator/metrics/...}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether {@code /ready} answers 200 (it can work, see docs/operations.md); fails if the process has exited. */
    public boolean isReady() {
        if (!process.isAlive()) {
            throw new IllegalStateException("worker " + pid() + " exited with " + process.exitValue() + "; see "
                    + logFile);
        }
        HttpRequest ready = HttpRequest.newBuilder(baseUrl().resolve("/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false; // still starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, as the kernel's OOM killer or a lost node ends a worker: nothing runs after it. Waits until gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as an orchestrator stops a worker: it drains for up to its shutdown timeout, then exits. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code within} for the process to exit; returns whether it has. */
    public boolean awaitExit(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM and up to 60 s to exit, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
            if (!awaitExit(Duration.ofSeconds(60))) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
