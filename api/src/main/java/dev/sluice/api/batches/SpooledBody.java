package dev.sluice.api.batches;

import dev.sluice.api.problems.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A batch body copied to a temporary file as it arrives, so it is never held in memory and no database connection
 * waits on a slow upload. Its bytes count against {@link BatchBytes} while it exists; {@link #close} deletes it and
 * gives them back.
 */
final class SpooledBody implements AutoCloseable {

    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final BatchBytes bytes;
    private long taken;

    private SpooledBody(Path file, BatchBytes bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    /** Reads the body to its end or to {@code limit} (a 413 past it); the bytes are taken from the bound as they come. */
    static SpooledBody read(InputStream body, long declaredLength, long limit, BatchBytes bytes) throws IOException {
        if (declaredLength > limit) {
            throw Problems.payloadTooLarge(limit);
        }
        SpooledBody spooled = new SpooledBody(Files.createTempFile("sluice-batch-", ".json"), bytes);
        try {
            spooled.copy(body, limit);
            return spooled;
        } catch (IOException | RuntimeException e) {
            spooled.close();
            throw e;
        }
    }

    private void copy(InputStream body, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int read;
            while ((read = body.read(buffer)) != -1) {
                written += read;
                if (written > limit) {
                    throw Problems.payloadTooLarge(limit);
                }
                while (written > taken) {
                    bytes.take(CHUNK);
                    taken += CHUNK;
                }
                out.write(buffer, 0, read);
            }
        }
    }

    InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public void close() {
        bytes.giveBack(taken);
        taken = 0;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
