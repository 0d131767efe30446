package mirage.block;

import java.io.IOException;
import java.util.Objects;

/**
 * A block operation could not complete. The {@link Reason} says who can act on it: the caller
 * (a programming error: {@link Reason#OUT_OF_RANGE}, {@link Reason#MISALIGNED}, writing to a
 * {@link Reason#READ_ONLY} device), the operator (a {@link Reason#DISCONNECTED} device), or no
 * one but a retry or a repair ({@link Reason#IO}).
 */
public class BlockException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public BlockException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public BlockException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** Why a block operation failed (MirageOS: {@code `Disconnected}, {@code `Is_read_only}). */
    public enum Reason {
        /** The device was closed, or failed for good; every later operation fails the same way. */
        DISCONNECTED,
        /** A write or discard on a device whose {@link Block.Info#readWrite()} is false. */
        READ_ONLY,
        /** The sectors named lie (partly) outside the device, or an offset or count is negative. */
        OUT_OF_RANGE,
        /** A buffer's remaining bytes are not a whole number of sectors. */
        MISALIGNED,
        /** The backing store failed; the device may still be usable. */
        IO
    }
}
