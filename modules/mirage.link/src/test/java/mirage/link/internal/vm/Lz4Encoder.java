package mirage.link.internal.vm;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A small LZ4 block encoder for tests (greedy, a hash of the next four bytes to the last
 * position seen), so that properties can compress what they decode. Follows the block format's
 * end rules: the last match starts at least 12 bytes before the end, the last 5 bytes are
 * literals.
 */
final class Lz4Encoder {
    private Lz4Encoder() {}

    static byte[] block(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] table = new int[1 << 12];
        Arrays.fill(table, -1);
        int anchor = 0;
        int i = 0;
        int limit = in.length - 12;
        while (i < limit) {
            int h = hash(in, i);
            int candidate = table[h];
            table[h] = i;
            if (candidate >= 0 && i - candidate <= 0xffff && same4(in, candidate, i)) {
                int len = 4;
                while (i + len < in.length - 5 && in[candidate + len] == in[i + len]) {
                    len++;
                }
                sequence(out, in, anchor, i - anchor, i - candidate, len);
                i += len;
                anchor = i;
            } else {
                i++;
            }
        }
        int literals = in.length - anchor;
        out.write(Math.min(literals, 15) << 4);
        length(out, literals);
        out.write(in, anchor, literals);
        return out.toByteArray();
    }

    /** A legacy frame of {@code in}, cut into blocks of {@code blockSize} bytes. */
    static byte[] legacyFrame(byte[] in, int blockSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le32(out, Lz4.LEGACY_MAGIC);
        for (int at = 0; at < in.length; at += blockSize) {
            byte[] b = block(Arrays.copyOfRange(in, at, Math.min(in.length, at + blockSize)));
            le32(out, b.length);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private static void sequence(ByteArrayOutputStream out, byte[] in, int from, int literals, int offset, int match) {
        int m = match - 4;
        out.write(Math.min(literals, 15) << 4 | Math.min(m, 15));
        length(out, literals);
        out.write(in, from, literals);
        out.write(offset & 0xff);
        out.write(offset >>> 8);
        length(out, m);
    }

    private static void length(ByteArrayOutputStream out, int n) {
        if (n < 15) {
            return;
        }
        n -= 15;
        while (n >= 255) {
            out.write(255);
            n -= 255;
        }
        out.write(n);
    }

    private static int hash(byte[] b, int i) {
        int v = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
        return (v * -1640531535) >>> 20;
    }

    private static boolean same4(byte[] b, int x, int y) {
        return b[x] == b[y] && b[x + 1] == b[y + 1] && b[x + 2] == b[y + 2] && b[x + 3] == b[y + 3];
    }
}
