package dev.sluice.api.batches;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The spooled batch body, read by the streaming parser, that refuses to go further than one entry's cap past where
 * the current entry began: an entry of 200 MB is stopped after about its cap, before it is ever a tree in memory.
 * The parser reads ahead by at most its buffer, which {@link #SLACK} covers.
 */
final class EntryBoundedInput extends FilterInputStream {

    static final long SLACK = 64 * 1024;

    /** Thrown from {@code read} when the current entry is over its cap. */
    static final class EntryTooLarge extends RuntimeException {
        EntryTooLarge() {
            super("entry over its cap", null, false, false);
        }
    }

    private final long entryCap;
    private long position;
    private long allowedUpTo = Long.MAX_VALUE;

    EntryBoundedInput(InputStream in, long entryCap) {
        super(in);
        this.entryCap = entryCap;
    }

    /** The next entry begins at {@code byteOffset} of the body. */
    void entryStartsAt(long byteOffset) {
        allowedUpTo = byteOffset + entryCap + SLACK;
    }

    /** Between entries: no cap beyond the body's own. */
    void noEntry() {
        allowedUpTo = Long.MAX_VALUE;
    }

    @Override
    public int read() throws IOException {
        check(1);
        int value = super.read();
        if (value >= 0) {
            position++;
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        check(1);
        int read = super.read(buffer, offset, (int) Math.min(length, Math.max(1, allowedUpTo - position)));
        if (read > 0) {
            position += read;
        }
        return read;
    }

    private void check(int bytes) {
        if (position + bytes > allowedUpTo) {
            throw new EntryTooLarge();
        }
    }
}
