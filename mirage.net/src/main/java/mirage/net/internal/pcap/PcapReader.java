package mirage.net.internal.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap file whole: either byte order, microsecond or nanosecond timestamps.
 * Meant for tests (checking what {@link PcapWriter} and other tools wrote), so it holds
 * everything in memory. Stateless; safe for concurrent use.
 */
public final class PcapReader {
    private PcapReader() {}

    /**
     * A file's global header and records.
     *
     * @param nanosecondTimestamps whether the magic was {@link PcapWriter#MAGIC_NANOSECONDS}
     * @param byteOrder the byte order the file was written in
     */
    public record Capture(boolean nanosecondTimestamps, ByteOrder byteOrder, int versionMajor, int versionMinor,
            int snaplen, int linkType, List<Record> records) {
        public Capture {
            records = List.copyOf(records);
        }
    }

    /**
     * One packet record.
     *
     * @param timestampNanos seconds and fraction, as nanoseconds since the epoch
     * @param originalLength the packet's length on the wire
     * @param data the captured bytes (at most the snapshot length), read-only
     */
    public record Record(long timestampNanos, int originalLength, ByteBuffer data) {
        /** The captured bytes, copied. */
        public byte[] bytes() {
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            return b;
        }
    }

    /** Thrown for bytes that are not a pcap file. */
    public static final class PcapFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        PcapFormatException(String message) {
            super(message);
        }
    }

    public static Capture read(Path file) throws IOException {
        return read(ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    /** Reads the file in {@code bytes} from its position to its limit (neither moves). */
    public static Capture read(ByteBuffer bytes) throws PcapFormatException {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < PcapWriter.GLOBAL_HEADER_LEN) {
            throw new PcapFormatException("shorter than the 24-byte global header");
        }
        int magic = b.getInt(0);
        if (magic != PcapWriter.MAGIC_NANOSECONDS && magic != PcapWriter.MAGIC_MICROSECONDS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        boolean nanos = magic == PcapWriter.MAGIC_NANOSECONDS;
        if (!nanos && magic != PcapWriter.MAGIC_MICROSECONDS) {
            throw new PcapFormatException(String.format("not a pcap magic number: %08x", b.getInt(0)));
        }
        int major = b.getShort(4) & 0xffff;
        int minor = b.getShort(6) & 0xffff;
        int snaplen = b.getInt(16);
        int linkType = b.getInt(20);
        List<Record> records = new ArrayList<>();
        int at = PcapWriter.GLOBAL_HEADER_LEN;
        while (at < b.limit()) {
            if (b.limit() - at < PcapWriter.RECORD_HEADER_LEN) {
                throw new PcapFormatException("record header cut short at byte " + at);
            }
            long seconds = b.getInt(at) & 0xffff_ffffL;
            long fraction = b.getInt(at + 4) & 0xffff_ffffL;
            long included = b.getInt(at + 8) & 0xffff_ffffL;
            int original = b.getInt(at + 12);
            if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
                throw new PcapFormatException("fraction of a second too large at byte " + at);
            }
            if (included > b.limit() - at - PcapWriter.RECORD_HEADER_LEN) {
                throw new PcapFormatException("record data cut short at byte " + at);
            }
            at += PcapWriter.RECORD_HEADER_LEN;
            ByteBuffer data = b.slice(at, (int) included).asReadOnlyBuffer();
            records.add(new Record(seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000), original, data));
            at += (int) included;
        }
        return new Capture(nanos, b.order(), major, minor, snaplen, linkType, records);
    }
}
