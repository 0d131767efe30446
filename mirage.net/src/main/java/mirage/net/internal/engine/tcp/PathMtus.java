package mirage.net.internal.engine.tcp;

/**
 * Path MTUs learned by RFC 1191 path MTU discovery, per destination address: a small table of
 * fixed size, the oldest entry giving way, each entry forgotten {@link #LIFETIME_NANOS} after it
 * was learned (RFC 1191 section 6.3: try a larger MTU again after ten minutes or more; Linux's
 * {@code mtu_expires} is 600 s). Not thread-safe: owned by its engine.
 */
final class PathMtus {
    /** How long a learned path MTU is used: ten minutes. */
    static final long LIFETIME_NANOS = 600_000_000_000L;

    private final int[] address;
    private final int[] mtu;
    private final long[] learned;
    private int used;

    PathMtus(int capacity) {
        this.address = new int[capacity];
        this.mtu = new int[capacity];
        this.learned = new long[capacity];
    }

    /** The path MTU learned towards {@code destination} and still in force at {@code now}, or 0. */
    int get(long now, int destination) {
        for (int i = 0; i < used; i++) {
            if (address[i] == destination) {
                return now - learned[i] < LIFETIME_NANOS ? mtu[i] : 0;
            }
        }
        return 0;
    }

    /** Remembers {@code value} towards {@code destination} from {@code now}, replacing an entry for it or the oldest one. */
    void put(long now, int destination, int value) {
        int slot = -1;
        for (int i = 0; i < used; i++) {
            if (address[i] == destination) {
                slot = i;
                break;
            }
        }
        if (slot < 0 && used < address.length) {
            slot = used++;
        }
        if (slot < 0) {
            slot = 0;
            for (int i = 1; i < used; i++) {
                if (learned[i] < learned[slot]) {
                    slot = i;
                }
            }
        }
        address[slot] = destination;
        mtu[slot] = value;
        learned[slot] = now;
    }
}
