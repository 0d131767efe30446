package mirage.block;

import java.io.IOException;
import java.util.Objects;

/**
 * A partition table could not be read, or holds no partition asked for. Any bytes on a disk
 * yield either a table or this exception, never another one.
 */
public class PartitionException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public PartitionException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public PartitionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** Why a partition table could not be used. */
    public enum Reason {
        /** Neither an MBR boot signature nor a GPT header signature is on the disk. */
        NO_TABLE,
        /** A table is there but breaks its format's rules (ranges, overlaps, sizes). */
        MALFORMED,
        /** Both GPT headers, or their entry arrays, fail their CRC32 (or no backup is there to fall back on). */
        CHECKSUM,
        /** The table is sound but has no partition with the index, name or GUID asked for. */
        NOT_FOUND,
        /** The device's sectors are smaller than the 512 bytes partition tables need. */
        UNSUPPORTED,
        /** The device failed while the table was read; the cause is the {@link BlockException}. */
        DEVICE
    }
}
