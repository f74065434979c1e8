package dev.sluice.common.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotatingSecretTest {

    private static final Duration RECHECK = Duration.ofSeconds(5);
    private static final Consumer<Secret> AT_LEAST_8 = secret -> {
        if (secret.reveal().length() < 8) {
            throw new IllegalStateException("TOKEN must be at least 8 characters");
        }
    };

    private final MovableClock clock = new MovableClock();
    private final List<RuntimeException> rejected = new ArrayList<>();

    @TempDir
    Path directory;

    @Test
    void aRotatedFileIsReadAgainOnceItsModificationTimeChanges() throws Exception {
        Path file = write("first-token", 1);
        RotatingSecret secret = fromFile(file);

        write("second-token", 2);
        String beforeRecheck = secret.current().reveal();
        clock.advance(RECHECK.plusSeconds(1));

        assertThat(beforeRecheck).isEqualTo("first-token");
        assertThat(secret.current().reveal()).isEqualTo("second-token");
    }

    @Test
    void aRotatedValueThatFailsTheCheckLeavesThePreviousOneInForce() throws Exception {
        Path file = write("first-token", 1);
        RotatingSecret secret = fromFile(file);

        write("short", 2);
        clock.advance(RECHECK.plusSeconds(1));

        assertThat(secret.current().reveal()).isEqualTo("first-token");
        assertThat(rejected).singleElement().extracting(Throwable::getMessage).asString().contains("TOKEN");
    }

    @Test
    void aFirstValueThatFailsTheCheckStopsStartUp() {
        assertThatThrownBy(() -> RotatingSecret.fromFileOrValue(null, "short", clock, RECHECK, AT_LEAST_8, rejected::add))
                .hasMessageContaining("TOKEN must be at least 8 characters");
    }

    @Test
    void neitherFileNorValueMeansNoSecret() {
        assertThat(RotatingSecret.fromFileOrValue("", " ", clock, RECHECK, AT_LEAST_8, rejected::add)).isEmpty();
    }

    private RotatingSecret fromFile(Path file) {
        return RotatingSecret.fromFileOrValue(file.toString(), null, clock, RECHECK, AT_LEAST_8, rejected::add)
                .orElseThrow();
    }

    private Path write(String token, int version) throws Exception {
        Path file = directory.resolve("token");
        Files.writeString(file, token + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
        return file;
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
