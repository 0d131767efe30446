package mirage.link.internal.vm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The uncompressed {@code vmlinux} inside an x86 {@code bzImage}, as the kernel's own boot stub
 * finds it: the setup header (Linux/x86 boot protocol, {@code Documentation/arch/x86/boot.rst})
 * says where the protected-mode code starts ({@code (setup_sects + 1) * 512}, with 0 meaning 4),
 * and from protocol 2.08 on, {@code payload_offset} (0x248) and {@code payload_length} (0x24c)
 * say where in it the compressed {@code vmlinux} lies.
 *
 * <p>Payloads compressed with gzip (the JDK's inflater) or LZ4 ({@link Lz4}; Debian's kernels)
 * are decoded; xz, bzip2, LZMA, LZO and zstd are named and refused. For every format but gzip
 * the kernel's build appends the uncompressed size as 4 little-endian bytes (its
 * {@code size_append}); that size bounds and checks the LZ4 output.
 */
public final class BzImage {
    static final int SETUP_SECTS = 0x1f1;
    static final int HEADER_MAGIC = 0x202;
    static final int VERSION = 0x206;
    static final int PAYLOAD_OFFSET = 0x248;
    static final int PAYLOAD_LENGTH = 0x24c;
    /** "HdrS", little-endian. */
    static final int HDRS = 0x53726448;
    /** The largest vmlinux accepted: far above any real one, below a Java array's limit. */
    static final int MAX_VMLINUX = 512 << 20;

    private BzImage() {}

    /** Whether {@code image} starts with the ELF magic: a {@code vmlinux} already. */
    public static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    /** Whether {@code image} has an x86 boot-protocol setup header ({@code HdrS} at 0x202). */
    public static boolean isBzImage(byte[] image) {
        return image.length >= PAYLOAD_LENGTH + 4 && Lz4.le32(image, HEADER_MAGIC) == HDRS;
    }

    /**
     * The {@code vmlinux} ELF image compressed in {@code image}.
     *
     * @throws MalformedException if the setup header is missing or older than protocol 2.08,
     *     the payload lies outside the file, its compression is not gzip or LZ4 (the message
     *     names it), it does not decode, or what it decodes to is not an ELF file
     */
    public static byte[] vmlinux(byte[] image) throws MalformedException {
        if (!isBzImage(image)) {
            throw new MalformedException("neither an ELF vmlinux nor a bzImage (no \"HdrS\" setup header at 0x202)");
        }
        int version = Short.toUnsignedInt((short) ((image[VERSION] & 0xff) | (image[VERSION + 1] & 0xff) << 8));
        if (version < 0x0208) {
            throw new MalformedException("boot protocol " + (version >> 8) + "." + (version & 0xff)
                    + " is older than 2.08, which says where the payload is");
        }
        int sects = image[SETUP_SECTS] & 0xff;
        long code = (long) ((sects == 0 ? 4 : sects) + 1) * 512;
        long offset = code + Integer.toUnsignedLong(Lz4.le32(image, PAYLOAD_OFFSET));
        long length = Integer.toUnsignedLong(Lz4.le32(image, PAYLOAD_LENGTH));
        if (length < 4 || offset + length > image.length) {
            throw new MalformedException("the payload (" + length + " bytes at " + offset + ") lies outside the "
                    + image.length + "-byte file");
        }
        int from = (int) offset;
        int to = (int) (offset + length);
        Compression c = Compression.of(image, from);
        byte[] vmlinux = switch (c) {
            case GZIP -> gunzip(image, from, to);
            case LZ4 -> {
                int size = Lz4.le32(image, to - 4);
                if (size <= 0 || size > MAX_VMLINUX) {
                    throw new MalformedException("the LZ4 payload's size trailer says " + Integer.toUnsignedString(size) + " bytes");
                }
                byte[] out = Lz4.decodeLegacyFrame(image, from, to - 4, size);
                if (out.length != size) {
                    throw new MalformedException("the LZ4 payload decodes to " + out.length + " bytes, its trailer says " + size);
                }
                yield out;
            }
            default -> throw new MalformedException("its payload is " + c.word + "-compressed; mirage decodes gzip and LZ4"
                    + " kernels only: give the uncompressed vmlinux instead");
        };
        if (!isElf(vmlinux)) {
            throw new MalformedException("the payload decodes to something other than an ELF vmlinux");
        }
        return vmlinux;
    }

    private static byte[] gunzip(byte[] image, int from, int to) throws MalformedException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(image, from, to - from), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4 * (to - from));
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                if (out.size() > MAX_VMLINUX - n) {
                    throw new MalformedException("the gzip payload decodes to more than " + MAX_VMLINUX + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedException("the gzip payload does not decode: " + e.getMessage());
        }
    }

    /** The compressions a kernel's payload may have, told apart by their first bytes. */
    enum Compression {
        GZIP("gzip", 0x1f, 0x8b),
        LZ4("LZ4", 0x02, 0x21, 0x4c, 0x18),
        XZ("xz", 0xfd, '7', 'z', 'X', 'Z', 0x00),
        BZIP2("bzip2", 'B', 'Z', 'h'),
        LZMA("LZMA", 0x5d, 0x00, 0x00),
        LZO("LZO", 0x89, 'L', 'Z', 'O'),
        ZSTD("zstd", 0x28, 0xb5, 0x2f, 0xfd),
        UNKNOWN("an unknown format");

        final String word;
        private final int[] magic;

        Compression(String word, int... magic) {
            this.word = word;
            this.magic = magic;
        }

        static Compression of(byte[] b, int at) {
            for (Compression c : values()) {
                if (c.magic.length > 0 && c.matches(b, at)) {
                    return c;
                }
            }
            return UNKNOWN;
        }

        private boolean matches(byte[] b, int at) {
            if (b.length - at < magic.length) {
                return false;
            }
            for (int i = 0; i < magic.length; i++) {
                if ((b[at + i] & 0xff) != magic[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
