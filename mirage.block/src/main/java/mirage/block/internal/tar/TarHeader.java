package mirage.block.internal.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 512-byte tar header block, parsed (ustar, GNU and v7 layouts) or encoded (GNU layout).
 *
 * <p>Field offsets (POSIX.1-1988 ustar; GNU tar's "oldgnu"/"gnu" layout shares the first 345
 * bytes): name 0+100, mode 100+8, uid 108+8, gid 116+8, size 124+12, mtime 136+12, chksum
 * 148+8, typeflag 156, linkname 157+100, magic 257+6, version 263+2, uname 265+32, gname
 * 297+32, devmajor 329+8, devminor 337+8, then ustar's prefix 345+155 (GNU puts other fields
 * there, and the sparse map's "isextended" flag at 482). Numeric fields are octal text, or,
 * when the first byte has its top bit set, GNU's base-256 big-endian two's complement.
 *
 * <p>{@link #parse} never throws anything but {@link TarFormatException} for any 512 bytes.
 *
 * @param name the entry's name: ustar prefix + "/" + name, or the name field (raw bytes)
 * @param type the typeflag byte
 * @param size the size field: bytes of data that follow the header, padded to 512
 * @param mtime seconds since the epoch
 * @param linkName the linkname field (raw bytes)
 * @param extendedSparse for an old GNU sparse entry ({@code 'S'}): whether sparse extension
 *     blocks follow the header
 */
record TarHeader(byte[] name, byte type, long size, long mtime, byte[] linkName, boolean extendedSparse) {
    static final int BLOCK = 512;
    static final byte REGULAR = '0';
    static final byte REGULAR_OLD = 0;
    static final byte HARD_LINK = '1';
    static final byte CONTIGUOUS = '7';
    static final byte GNU_LONG_NAME = 'L';
    static final byte GNU_LONG_LINK = 'K';
    static final byte PAX_EXTENDED = 'x';
    static final byte PAX_GLOBAL = 'g';
    static final byte GNU_SPARSE = 'S';

    /** The name GNU tar gives the pseudo-entries that carry long names. */
    static final byte[] LONG_LINK_NAME = "././@LongLink".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] USTAR = {'u', 's', 't', 'a', 'r', 0};
    private static final byte[] GNU_MAGIC = {'u', 's', 't', 'a', 'r', ' ', ' ', 0};

    /** Whether all 512 bytes are zero: the end-of-archive marker. */
    static boolean isZero(byte[] block, int off) {
        for (int i = off; i < off + BLOCK; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses the header at {@code block[off..off+512)}, which must not be a zero block.
     *
     * @throws TarFormatException with {@code checksum} set if the checksum does not match (the
     *     block is not a header), otherwise if a field is malformed
     */
    static TarHeader parse(byte[] block, int off) throws TarFormatException {
        long stored;
        try {
            stored = octal(block, off + 148, 8, "checksum", true);
        } catch (TarFormatException e) {
            throw new TarFormatException(e.getMessage(), true);
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : block[off + i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new TarFormatException("header checksum " + stored + " does not match the computed " + unsigned, true);
        }
        byte type = block[off + 156];
        long size = number(block, off + 124, 12, "size");
        if (size < 0) {
            throw new TarFormatException("negative size " + size);
        }
        long mtime = number(block, off + 136, 12, "mtime");
        byte[] name = field(block, off, 100);
        boolean ustar = Arrays.equals(block, off + 257, off + 263, USTAR, 0, 6);
        if (ustar && block[off + 345] != 0) {
            byte[] prefix = field(block, off + 345, 155);
            byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
            joined[prefix.length] = '/';
            System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
            name = joined;
        }
        boolean gnu = Arrays.equals(block, off + 257, off + 265, GNU_MAGIC, 0, 8);
        boolean extended = type == GNU_SPARSE && gnu && block[off + 482] != 0;
        return new TarHeader(name, type, size, mtime, field(block, off + 157, 100), extended);
    }

    /** The bytes of a NUL-terminated field (all of it when it has no NUL). */
    static byte[] field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(b, off, end);
    }

    /** A numeric field: base-256 when the top bit of its first byte is set, else octal. */
    static long number(byte[] b, int off, int len, String what) throws TarFormatException {
        int first = b[off] & 0xFF;
        if ((first & 0x80) == 0) {
            return octal(b, off, len, what, false);
        }
        // Base-256: the remaining 7 bits of the first byte and the following bytes, big-endian,
        // two's complement (bit 6 of the first byte is the sign).
        boolean negative = (first & 0x40) != 0;
        long v = negative ? -1L : 0L;
        v = (v << 7) | (first & 0x7F);
        for (int i = 1; i < len; i++) {
            long before = v;
            v = (v << 8) | (b[off + i] & 0xFF);
            if ((v >> 8) != before) {
                throw new TarFormatException("base-256 " + what + " does not fit in 64 bits");
            }
        }
        return v;
    }

    /** Octal digits, after optional leading spaces, up to a space, a NUL or the field's end. */
    static long octal(byte[] b, int off, int len, String what, boolean required) throws TarFormatException {
        int i = off;
        int end = off + len;
        while (i < end && b[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        for (; i < end; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7') {
                throw new TarFormatException(what + " field holds the non-octal byte " + (c & 0xFF));
            }
            if (v > (Long.MAX_VALUE >> 3)) {
                throw new TarFormatException(what + " field overflows");
            }
            v = (v << 3) | (c - '0');
            digits++;
        }
        for (; i < end; i++) {
            if (b[i] != 0 && b[i] != ' ') {
                throw new TarFormatException(what + " field has bytes after its terminator");
            }
        }
        if (digits == 0 && required) {
            throw new TarFormatException(what + " field is empty", true);
        }
        return v;
    }

    /**
     * A GNU-layout header ({@code "ustar  \0"} magic): name (at most 100 bytes; longer names go
     * in a preceding {@code 'L'} entry), mode 0644, uid and gid 0, size in octal or, from 8 GiB
     * on, base-256, mtime in octal (base-256 if negative or too large).
     */
    static byte[] encode(byte[] name, byte type, long size, long mtime) {
        if (name.length > 100) {
            throw new IllegalArgumentException("a header name holds at most 100 bytes");
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, name.length);
        putOctal(h, 100, 8, 0644);
        putOctal(h, 108, 8, 0);
        putOctal(h, 116, 8, 0);
        putNumber(h, 124, size);
        putNumber(h, 136, mtime);
        h[156] = type;
        System.arraycopy(GNU_MAGIC, 0, h, 257, GNU_MAGIC.length);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xFF;
        }
        // Six octal digits, NUL, space: as GNU tar writes it.
        putOctal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** Octal with {@code len - 1} digits and a NUL. */
    private static void putOctal(byte[] h, int off, int len, long v) {
        for (int i = off + len - 2; i >= off; i--) {
            h[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        h[off + len - 1] = 0;
    }

    /** A 12-byte numeric field: 11 octal digits when it fits (below 8 GiB), else base-256. */
    private static void putNumber(byte[] h, int off, long v) {
        if (v >= 0 && v < (1L << 33)) {
            putOctal(h, off, 12, v);
            return;
        }
        long x = v;
        for (int i = off + 11; i > off; i--) {
            h[i] = (byte) x;
            x >>= 8;
        }
        h[off] = (byte) (v < 0 ? 0xFF : 0x80);
    }
}
