package dev.sluice.common.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTest {

    @Test
    void neverShowsItsValue() {
        assertThat(Secret.of("sk-live-123").toString()).doesNotContain("sk-live-123");
    }

    @Test
    void aMountedFileWinsOverThePlainVariable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "sk-from-file\n");

        assertThat(Secret.fromFileOrValue(file.toString(), "sk-from-env")).hasValue(Secret.of("sk-from-file"));
    }

    @Test
    void fallsBackToTheVariableAndIsEmptyWhenNeitherIsSet() {
        assertThat(Secret.fromFileOrValue(null, "sk-from-env")).hasValue(Secret.of("sk-from-env"));
        assertThat(Secret.fromFileOrValue("", " ")).isEmpty();
    }
}
