package mirage.block;

/**
 * A fault that {@link Block#faulty} injects into the stream of writes reaching a device, for
 * crash-consistency tests. Writes are counted from 0 in the order their calls begin, counting
 * every call to {@link Block#write}, including calls that fail their preconditions.
 */
public sealed interface Fault {

    /** The write with index {@code writeIndex} fails with {@link BlockException.Reason#IO} and changes nothing; the device keeps working. */
    record FailWrite(long writeIndex) implements Fault {
        public FailWrite {
            nonNegative(writeIndex);
        }
    }

    /**
     * A crash during the write with index {@code writeIndex}: only its first {@code bytesKept}
     * bytes (at most all of them) reach the device, byte-exact even inside a sector; the call
     * fails with {@link BlockException.Reason#IO} and from then on every operation fails with
     * {@link BlockException.Reason#DISCONNECTED}, as after power loss. Writes completed before
     * it stay on the device.
     */
    record TearWrite(long writeIndex, long bytesKept) implements Fault {
        public TearWrite {
            nonNegative(writeIndex);
            if (bytesKept < 0) {
                throw new IllegalArgumentException("negative bytes kept: " + bytesKept);
            }
        }
    }

    /**
     * As {@link TearWrite}, with the number of bytes kept drawn uniformly from 0 to the write's
     * length by a {@link java.util.SplittableRandom} seeded with {@code seed}: the same seed
     * tears the same write at the same byte.
     */
    record SeededTear(long writeIndex, long seed) implements Fault {
        public SeededTear {
            nonNegative(writeIndex);
        }
    }

    private static void nonNegative(long writeIndex) {
        if (writeIndex < 0) {
            throw new IllegalArgumentException("negative write index: " + writeIndex);
        }
    }
}
