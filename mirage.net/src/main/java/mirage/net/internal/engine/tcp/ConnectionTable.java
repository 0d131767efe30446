package mirage.net.internal.engine.tcp;

import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;

/**
 * Connections by 4-tuple: open addressing with linear probing and backward-shift deletion, sized
 * once for the engine's connection limit (at most half full), hashed with a random seed so a
 * peer cannot choose colliding tuples. Lookups allocate nothing.
 *
 * <p>Addresses of both families are keys of 128 bits: an IPv6 address as it is, an IPv4 address
 * in its IPv4-mapped form {@code ::ffff:a.b.c.d}. The IPv6 engine drops packets that carry
 * IPv4-mapped addresses (RFC 4291 section 2.5.5.2: they never appear on the wire), so the two
 * families never share a key.
 */
final class ConnectionTable {
    private static final long MAPPED = 0xffff_0000_0000L;

    private final TcpConnection[] slots;
    private final int mask;
    private final long seed;
    private int size;

    ConnectionTable(int maxConnections, long seed) {
        int cap = Integer.highestOneBit(Math.max(8, maxConnections) * 2 - 1) << 1;
        this.slots = new TcpConnection[cap];
        this.mask = cap - 1;
        this.seed = seed;
    }

    /** Bits 0-63 of {@code a}'s key. */
    static long high(IpAddress a) {
        return a instanceof Ipv6Address v6 ? v6.high() : 0;
    }

    /** Bits 64-127 of {@code a}'s key. */
    static long low(IpAddress a) {
        return switch (a) {
            case Ipv6Address v6 -> v6.low();
            case Ipv4Address v4 -> mapped(v4.bits());
        };
    }

    /** Bits 64-127 of the key of the IPv4 address {@code bits}. */
    static long mapped(int bits) {
        return MAPPED | (bits & 0xffff_ffffL);
    }

    int size() {
        return size;
    }

    private static long mix(long h) {
        h *= 0x9e3779b97f4a7c15L;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        return h ^ h >>> 32;
    }

    private int hash(long lh, long ll, int lport, long rh, long rl, int rport) {
        long h = mix(seed ^ ll ^ Long.rotateLeft(rl, 32));
        h = mix(h ^ lh ^ Long.rotateLeft(rh, 17));
        h ^= (long) lport << 16 | rport;
        return (int) mix(h) & mask;
    }

    private int hash(TcpConnection c) {
        return hash(c.localHigh, c.localLow, c.localPort, c.remoteHigh, c.remoteLow, c.remotePort);
    }

    /** The connection of an IPv4 4-tuple, or null. */
    TcpConnection find(int local, int lport, int remote, int rport) {
        return find(0, mapped(local), lport, 0, mapped(remote), rport);
    }

    /** The connection of a 4-tuple of keys, or null. */
    TcpConnection find(long lh, long ll, int lport, long rh, long rl, int rport) {
        for (int i = hash(lh, ll, lport, rh, rl, rport); ; i = (i + 1) & mask) {
            TcpConnection c = slots[i];
            if (c == null) {
                return null;
            }
            if (c.localPort == lport && c.remotePort == rport && c.remoteLow == rl && c.localLow == ll
                    && c.remoteHigh == rh && c.localHigh == lh) {
                return c;
            }
        }
    }

    void add(TcpConnection c) {
        if (size >= slots.length / 2) {
            throw new IllegalStateException("connection table full");
        }
        int i = hash(c);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
        size++;
    }

    void remove(TcpConnection c) {
        int i = hash(c);
        while (slots[i] != c) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        // Backward shift: move later entries of the cluster into the hole if their home allows.
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            TcpConnection e = slots[j];
            int home = hash(e);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = e;
                slots[j] = null;
                hole = j;
            }
        }
    }
}
