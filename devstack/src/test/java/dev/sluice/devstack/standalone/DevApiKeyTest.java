package dev.sluice.devstack.standalone;

import dev.sluice.common.tenants.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class DevApiKeyTest {

    @TempDir
    Path data;

    @Test
    void theDevKeyFileIsReadableByItsOwnerOnly() throws Exception {
        String key = SluiceStack.storedDevKey(data);

        assertThat(ApiKeys.isWellFormed(key)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("dev-api-key"))))
                .isEqualTo("rw-------");
        assertThat(SluiceStack.storedDevKey(data)).as("kept across restarts").isEqualTo(key);
    }

    @Test
    void aDevKeyFileLeftReadableByOthersIsClosed() throws Exception {
        Path file = data.resolve("dev-api-key");
        Files.writeString(file, ApiKeys.generate() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        SluiceStack.storedDevKey(data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
