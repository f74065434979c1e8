package dev.sluice.worker.upstream;

import dev.sluice.common.secrets.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The upstream key, from OPENAI_API_KEY_FILE (re-read when the file changes, so a rotated secret is
 * picked up without a restart) or OPENAI_API_KEY. Never logged: it is a {@link Secret}.
 */
class UpstreamKey {

    private static final Duration RECHECK = Duration.ofSeconds(5);

    private final Path file;
    private final Clock clock;
    private volatile Secret current;
    private volatile FileTime fileVersion;
    private volatile Instant nextCheck;

    public UpstreamKey(UpstreamProperties properties, Clock clock) {
        this.clock = clock;
        boolean fromFile = properties.apiKeyFile() != null && !properties.apiKeyFile().isBlank();
        this.file = fromFile ? Path.of(properties.apiKeyFile()) : null;
        this.current = Secret.fromFileOrValue(properties.apiKeyFile(), properties.apiKey())
                .orElseThrow(() -> new IllegalStateException(
                        "no upstream key: set OPENAI_API_KEY_FILE (a mounted secret file) or OPENAI_API_KEY"));
        this.fileVersion = fromFile ? modified() : null;
        this.nextCheck = clock.instant().plus(RECHECK);
    }

    public Secret current() {
        if (file != null && clock.instant().isAfter(nextCheck)) {
            reloadIfChanged();
        }
        return current;
    }

    private synchronized void reloadIfChanged() {
        nextCheck = clock.instant().plus(RECHECK);
        FileTime version = modified();
        if (version != null && !version.equals(fileVersion)) {
            Secret.fromFileOrValue(file.toString(), null).ifPresent(secret -> current = secret);
            fileVersion = version;
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return fileVersion;
        }
    }
}
