package mirage.net.internal.engine.ip;

/**
 * Path MTUs learned per destination address, for IPv4 (RFC 1191) and IPv6 (RFC 8201): a small
 * table of fixed size, the oldest entry giving way, each entry forgotten
 * {@link #LIFETIME_NANOS} after it was learned (RFC 1191 section 6.3 and RFC 8201 section 4: try
 * a larger MTU again no sooner than five minutes, ten recommended; Linux's {@code mtu_expires}
 * is 600 s). An address is its 128 bits as two {@code long}s; an IPv4 address is keyed as its
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 section 2.5.5.2), so one table
 * could hold both families. Lookups scan the table (256 entries by default) and return at once
 * when it is empty; nothing allocates after construction. The table holds what it is given:
 * each family's rules (floors, validation) are its caller's.
 *
 * <p>Not thread-safe: owned by its engine.
 */
public final class PathMtus {
    /** How long a learned path MTU is used: ten minutes. */
    public static final long LIFETIME_NANOS = 600_000_000_000L;

    private static final long IPV4_MAPPED_HIGH_BITS = 0xffff_0000_0000L;

    private final long[] high;
    private final long[] low;
    private final int[] mtu;
    private final long[] learned;
    private int used;

    /** @param capacity how many destinations are remembered, at least 1 */
    public PathMtus(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a path MTU table holds at least one entry: " + capacity);
        }
        this.high = new long[capacity];
        this.low = new long[capacity];
        this.mtu = new int[capacity];
        this.learned = new long[capacity];
    }

    /** The path MTU learned towards IPv4 {@code destination} and still in force at {@code now}, or 0. */
    public int get(long now, int destination) {
        return get(now, 0, ipv4Mapped(destination));
    }

    /** Remembers {@code value} towards IPv4 {@code destination} from {@code now}, replacing an entry for it or the oldest one. */
    public void put(long now, int destination, int value) {
        put(now, 0, ipv4Mapped(destination), value);
    }

    /** The path MTU learned towards the IPv6 address {@code high}:{@code low} and still in force at {@code now}, or 0. */
    public int get(long now, long high, long low) {
        int i = find(high, low);
        return i >= 0 && now - learned[i] < LIFETIME_NANOS ? mtu[i] : 0;
    }

    /** Remembers {@code value} towards the IPv6 address {@code high}:{@code low} from {@code now}, replacing an entry for it or the oldest one. */
    public void put(long now, long high, long low, int value) {
        int slot = find(high, low);
        if (slot < 0 && used < this.high.length) {
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
        this.high[slot] = high;
        this.low[slot] = low;
        mtu[slot] = value;
        learned[slot] = now;
    }

    /** How many destinations have an entry (expired ones included, until they give way). */
    public int size() {
        return used;
    }

    private int find(long high, long low) {
        for (int i = 0; i < used; i++) {
            if (this.low[i] == low && this.high[i] == high) {
                return i;
            }
        }
        return -1;
    }

    private static long ipv4Mapped(int address) {
        return IPV4_MAPPED_HIGH_BITS | (address & 0xffff_ffffL);
    }
}
