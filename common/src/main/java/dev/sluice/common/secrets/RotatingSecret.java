package dev.sluice.common.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A secret given as {@code <NAME>_FILE} (a mounted file) or {@code <NAME>}: the file wins, and is read again when its
 * modification time changes (checked at most every {@code recheck}), so a rotated secret is picked up without a
 * restart. Every value, the first and each rotated one, must pass {@code check}; a rotated file that fails it (or
 * cannot be read) leaves the previous value in force and is reported to {@code rejected}.
 */
public final class RotatingSecret {

    private final Path file;
    private final Clock clock;
    private final Duration recheck;
    private final Consumer<Secret> check;
    private final Consumer<RuntimeException> rejected;
    private volatile Secret current;
    private volatile FileTime fileVersion;
    private volatile Instant nextCheck;

    private RotatingSecret(Path file, Secret first, Clock clock, Duration recheck, Consumer<Secret> check,
                           Consumer<RuntimeException> rejected) {
        this.file = file;
        this.current = first;
        this.clock = clock;
        this.recheck = recheck;
        this.check = check;
        this.rejected = rejected;
        this.fileVersion = file == null ? null : modified(file, null);
        this.nextCheck = clock.instant().plus(recheck);
    }

    /**
     * Empty when neither is set. {@code check} throws (with a message naming the variable) for a value that must not be
     * used; at start-up that exception stops the process.
     */
    public static Optional<RotatingSecret> fromFileOrValue(String file, String value, Clock clock, Duration recheck,
                                                           Consumer<Secret> check,
                                                           Consumer<RuntimeException> rejected) {
        Optional<Secret> first = Secret.fromFileOrValue(file, value);
        first.ifPresent(check);
        boolean fromFile = file != null && !file.isBlank();
        return first.map(secret -> new RotatingSecret(fromFile ? Path.of(file) : null, secret, clock, recheck, check,
                rejected));
    }

    public Secret current() {
        if (file != null && clock.instant().isAfter(nextCheck)) {
            reloadIfChanged();
        }
        return current;
    }

    private synchronized void reloadIfChanged() {
        if (!clock.instant().isAfter(nextCheck)) {
            return;
        }
        nextCheck = clock.instant().plus(recheck);
        FileTime version = modified(file, fileVersion);
        if (version == null || version.equals(fileVersion)) {
            return;
        }
        fileVersion = version;
        try {
            Optional<Secret> read = Secret.fromFileOrValue(file.toString(), null);
            read.ifPresent(check);
            read.ifPresent(secret -> current = secret);
        } catch (RuntimeException e) {
            rejected.accept(e);
        }
    }

    private static FileTime modified(Path file, FileTime otherwise) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return otherwise;
        }
    }

    @Override
    public String toString() {
        return "RotatingSecret[****]";
    }
}
