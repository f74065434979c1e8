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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One worker as a separate JVM: {@code java -jar <sluice jar> worker} with its own environment, exactly as a
 * deployment runs it, its output in a log file. The drain benchmark runs several; the fault tests kill them
 * ({@link #kill}, SIGKILL) and stop them ({@link #terminate}, SIGTERM).
 */
public final class WorkerProcess implements AutoCloseable {

    /** System property naming the Sluice jar; failsafe sets it for the integration tests. */
    public static final String JAR_PROPERTY = "sluice.jar";
    /** Small heap and the serial collector: several workers and the rest of Sluice share 2 cores. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path logFile;

    private WorkerProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * The Sluice jar: the {@value #JAR_PROPERTY} system property, or else the jar this JVM runs from
     * ({@code java -jar}, as {@code ./sluice} does).
     */
    public static Path sluiceJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        String jar = configured != null ? configured : System.getProperty("java.class.path");
        if (jar == null || !jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
            throw new IllegalStateException("worker processes start from the Sluice jar: run from it (./sluice, "
                    + "java -jar) or name it with -D" + JAR_PROPERTY + "=<path to sluice-devstack-*.jar>");
        }
        Path path = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the Sluice jar " + path + " does not exist; build it (mvn package)");
        }
        return path;
    }

    /**
     * Starts {@code java <jvmOptions> -jar <jar> worker}. The environment is this process's, plus {@code environment},
     * plus {@code SERVER_PORT} and {@code MANAGEMENT_PORT} (one free port, for {@code /ready} and the actuator). Returns at once; see {@link #isReady}.
     */
    public static WorkerProcess start(Path jar, Map<String, String> environment, List<String> jvmOptions,
                                      Path logFile) throws IOException {
        return start("worker", jar, environment, jvmOptions, logFile);
    }

    /** Like {@link #start(Path, Map, List, Path)} for another of the jar's roles ({@code api}, {@code worker}). */
    public static WorkerProcess start(String role, Path jar, Map<String, String> environment, List<String> jvmOptions,
                                      Path logFile) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), role));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        // actuator on that same port, where the benchmarks and chaos runs read the worker's metrics
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(port));
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

    /** Whether {@code /ready} answers 200 (Kafka and PostgreSQL reachable); fails if the process has exited. */
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
