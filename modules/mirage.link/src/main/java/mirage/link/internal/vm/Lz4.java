package mirage.link.internal.vm;

import java.util.Arrays;

/**
 * An LZ4 decoder: the block format, and the legacy frame format ({@code lz4 -l}) the Linux
 * kernel compresses itself with ({@code CONFIG_KERNEL_LZ4}). Written from the format's
 * description (lz4's {@code doc/lz4_Block_format.md} and {@code lz4_Frame_format.md}, section
 * "Legacy frame"); the JDK has no LZ4.
 *
 * <p>A block is a run of sequences, each a token (literal count in its high nibble, match
 * length minus 4 in its low one, 15 meaning "more bytes follow, each added, until one is not
 * 255"), the literals, then a 2-byte little-endian back-reference offset and the match; the
 * last sequence has literals only. A legacy frame is the magic {@value #LEGACY_MAGIC_HEX}, then
 * blocks each preceded by its compressed size (4 bytes, little-endian), each decoding on its own
 * to at most {@link #LEGACY_BLOCK} bytes.
 *
 * <p>Every length and offset is checked before it is used: no input makes these methods throw
 * anything but {@link MalformedException}, read outside their input, or write past the bound
 * given.
 */
public final class Lz4 {
    /** The legacy frame's magic number, little-endian on the wire ({@code 02 21 4c 18}). */
    public static final int LEGACY_MAGIC = 0x184C2102;
    static final String LEGACY_MAGIC_HEX = "0x184C2102";
    /** How many bytes one legacy-frame block decodes to at most: 8 MiB. */
    public static final int LEGACY_BLOCK = 8 << 20;
    private static final int MIN_MATCH = 4;

    private Lz4() {}

    /**
     * Decodes the block {@code src[from, to)} into {@code dst} from {@code dstFrom}, writing no
     * byte at or beyond {@code dstLimit}. Back-references reach only into this block's output.
     *
     * @return the number of bytes written
     * @throws MalformedException if the block is truncated, refers before its own output, or
     *     decodes to more than {@code dstLimit - dstFrom} bytes
     */
    public static int decodeBlock(byte[] src, int from, int to, byte[] dst, int dstFrom, int dstLimit)
            throws MalformedException {
        if (from < 0 || to > src.length || from > to || dstFrom < 0 || dstLimit > dst.length || dstFrom > dstLimit) {
            throw new IllegalArgumentException("bad bounds");
        }
        int ip = from;
        int op = dstFrom;
        while (true) {
            if (ip >= to) {
                throw new MalformedException("block ends at byte " + (ip - from) + " without its last sequence");
            }
            int token = src[ip++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (ip >= to) {
                        throw new MalformedException("literal length runs past the block");
                    }
                    b = src[ip++] & 0xff;
                    literals += b;
                } while (b == 255 && literals <= to - ip);
            }
            if (literals > to - ip) {
                throw new MalformedException(literals + " literals at byte " + (ip - from) + " run past the block");
            }
            if (literals > dstLimit - op) {
                throw new MalformedException("block decodes to more than " + (dstLimit - dstFrom) + " bytes");
            }
            System.arraycopy(src, ip, dst, op, literals);
            ip += literals;
            op += literals;
            if (ip == to) {
                return op - dstFrom;
            }
            if (to - ip < 2) {
                throw new MalformedException("match offset at byte " + (ip - from) + " is cut off");
            }
            int offset = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8;
            ip += 2;
            if (offset == 0 || offset > op - dstFrom) {
                throw new MalformedException("match offset " + offset + " at byte " + (ip - 2 - from)
                        + " reaches before the block's output (" + (op - dstFrom) + " bytes so far)");
            }
            int length = token & 15;
            if (length == 15) {
                int b;
                do {
                    if (ip >= to) {
                        throw new MalformedException("match length runs past the block");
                    }
                    b = src[ip++] & 0xff;
                    length += b;
                } while (b == 255 && length <= dstLimit - op);
            }
            length += MIN_MATCH;
            if (length > dstLimit - op) {
                throw new MalformedException("block decodes to more than " + (dstLimit - dstFrom) + " bytes");
            }
            copyMatch(dst, op, offset, length);
            op += length;
        }
    }

    /** Copies {@code length} bytes from {@code offset} back; overlapping copies repeat the pattern. */
    private static void copyMatch(byte[] dst, int op, int offset, int length) {
        int from = op - offset;
        if (offset >= length) {
            System.arraycopy(dst, from, dst, op, length);
            return;
        }
        // Overlapping: the last 'offset' bytes repeat. Copy what is already written, from the
        // pattern's start, in chunks that keep every copy a whole number of periods from it and
        // never overlap their own source: offset, then 2x, 4x... as the written run grows.
        int copied = 0;
        while (copied < length) {
            int n = Math.min(op + copied - from, length - copied);
            System.arraycopy(dst, from, dst, op + copied, n);
            copied += n;
        }
    }

    /**
     * Decodes the legacy frame {@code src[from, to)}: the magic, then blocks to the end of the
     * input (a repeated magic between blocks, as concatenated frames have, is skipped).
     *
     * @param maxOutput the most bytes the frame may decode to
     * @return the decoded bytes
     * @throws MalformedException if the magic is missing, a block is malformed, a block size is
     *     cut off or runs past the input, or the output would exceed {@code maxOutput}
     */
    public static byte[] decodeLegacyFrame(byte[] src, int from, int to, int maxOutput) throws MalformedException {
        if (from < 0 || to > src.length || from > to || maxOutput < 0) {
            throw new IllegalArgumentException("bad bounds");
        }
        if (to - from < 4 || le32(src, from) != LEGACY_MAGIC) {
            throw new MalformedException("not an LZ4 legacy frame (no magic " + LEGACY_MAGIC_HEX + ")");
        }
        int ip = from + 4;
        byte[] out = new byte[(int) Math.min(maxOutput, Math.max(1 << 16, 4L * (to - from)))];
        int size = 0;
        while (ip < to) {
            if (to - ip < 4) {
                throw new MalformedException("a block size at byte " + (ip - from) + " is cut off");
            }
            int compressed = le32(src, ip);
            ip += 4;
            if (compressed == LEGACY_MAGIC) {
                continue;
            }
            if (compressed <= 0 || compressed > to - ip) {
                throw new MalformedException("a block of " + Integer.toUnsignedString(compressed) + " bytes at byte "
                        + (ip - 4 - from) + " runs past the input (" + (to - ip) + " bytes left)");
            }
            int limit = (int) Math.min((long) size + LEGACY_BLOCK, maxOutput);
            if (out.length < limit) {
                out = Arrays.copyOf(out, (int) Math.min(maxOutput, Math.max(limit, 2L * out.length)));
            }
            try {
                size += decodeBlock(src, ip, ip + compressed, out, size, limit);
            } catch (MalformedException e) {
                throw new MalformedException("block at byte " + (ip - 4 - from) + ": " + e.getMessage()
                        + (limit == maxOutput ? " (at most " + maxOutput + " bytes in all)" : ""));
            }
            ip += compressed;
        }
        return size == out.length ? out : Arrays.copyOf(out, size);
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
