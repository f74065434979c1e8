package dev.sluice.devstack.bench;

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
 * Worker processes for a drain run: each is {@code java -jar <sluice jar> worker}, a separate JVM with its own
 * environment, exactly as a deployment runs them. Their output goes to a log file per worker.
 */
final class WorkerProcesses implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    static WorkerProcesses start(int count, Map<String, String> environment, Path logDirectory)
            throws IOException, InterruptedException {
        String jar = System.getProperty("java.class.path");
        if (jar == null || !jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
            throw new IllegalStateException("the drain benchmark starts workers from the Sluice jar; run it with "
                    + "./sluice bench drain (java -jar), not from a class path");
        }
        Files.createDirectories(logDirectory);
        WorkerProcesses workers = new WorkerProcesses();
        for (int index = 0; index < count; index++) {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar, "worker");
            builder.environment().putAll(environment);
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            builder.redirectErrorStream(true);
            builder.redirectOutput(logDirectory.resolve("worker-" + index + ".log").toFile());
            workers.processes.add(builder.start());
            workers.ports.add(port);
        }
        workers.awaitReady();
        return workers;
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        for (int index = 0; index < ports.size(); index++) {
            URI ready = URI.create("http://127.0.0.1:" + ports.get(index) + "/ready");
            while (true) {
                if (!processes.get(index).isAlive()) {
                    throw new IllegalStateException("worker " + index + " exited with "
                            + processes.get(index).exitValue() + "; see its log");
                }
                try {
                    if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + index + " not ready within " + READY_WITHIN);
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    int count() {
        return processes.size();
    }

    /** SIGTERM, as an orchestrator stops a worker; each finishes or hands back its jobs, then exits. */
    @Override
    public void close() throws InterruptedException {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
