package dev.sluice.devstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic commands in another JVM through the JDK's {@code jcmd}. Several commands go in one attach
 * ({@code jcmd <pid> -f <file>}), so they run back to back inside the target, with no process start between them.
 */
final class Jcmd {

    private static final long TIME_LIMIT_SECONDS = 60;

    private Jcmd() {
    }

    /** Runs {@code commands} in order in the JVM {@code pid}; returns what jcmd printed. */
    static String run(long pid, String... commands) throws IOException, InterruptedException {
        Path file = Files.createTempFile("sluice-jcmd-", ".txt");
        try {
            Files.writeString(file, String.join("\n", commands) + "\n");
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), "-f", file.toString()))
                    .redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jcmd " + pid + " did not finish within " + TIME_LIMIT_SECONDS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " exited with " + process.exitValue() + ": " + text.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
