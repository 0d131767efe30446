package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * One end of a bulk transfer: writes {@code length} seeded bytes, then shuts writing, reads until
 * the end of stream hashing what it reads, then closes.
 */
final class Transfer {
    final TcpConnection connection;
    final byte[] out;
    int written;
    boolean shut;
    boolean eof;
    boolean closed;
    long received;
    final MessageDigest digest;
    /** What was read, kept to name the first wrong byte when hashes differ. */
    final java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
    private final ByteBuffer chunk = ByteBuffer.allocate(32 * 1024);

    /** Nanoseconds a slow reader waits after each read; 0 reads as fast as it can. */
    long readPause;
    long nextRead;

    Transfer(TcpConnection connection, long seed, int length) {
        this.connection = connection;
        this.out = new byte[length];
        new SplittableRandom(seed).nextBytes(out);
        this.digest = sha256();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] hash(byte[] data) {
        return sha256().digest(data);
    }

    /** Moves what can move now; returns true if anything did. */
    boolean pump(long now) {
        boolean moved = false;
        while (written < out.length) {
            int n = connection.write(now, ByteBuffer.wrap(out, written, Math.min(out.length - written, 64 * 1024)));
            if (n <= 0) {
                break;
            }
            written += n;
            moved = true;
        }
        if (written == out.length && !shut) {
            shut = true;
            connection.shutdownWrite(now);
            moved = true;
        }
        while (!eof && now >= nextRead) {
            chunk.clear();
            if (readPause > 0) {
                chunk.limit(4096);
            }
            int n = connection.read(now, chunk);
            if (n < 0) {
                eof = true;
                moved = true;
            } else if (n == 0) {
                break;
            } else {
                digest.update(chunk.array(), 0, n);
                copy.write(chunk.array(), 0, n);
                if (readPause > 0) {
                    nextRead = now + readPause;
                }
                received += n;
                moved = true;
            }
        }
        if (eof && shut && !closed) {
            closed = true;
            connection.close(now);
            moved = true;
        }
        return moved;
    }

    /** Index of the first byte read that differs from {@code expected}, or -1. */
    int firstDifference(byte[] expected) {
        byte[] got = copy.toByteArray();
        int n = Math.min(got.length, expected.length);
        for (int i = 0; i < n; i++) {
            if (got[i] != expected[i]) {
                return i;
            }
        }
        return got.length == expected.length ? -1 : n;
    }

    /** When this end next wants to run, or {@code Long.MAX_VALUE}. */
    long wake(long now) {
        return !eof && nextRead > now ? nextRead : Long.MAX_VALUE;
    }

    boolean done() {
        return closed;
    }
}
