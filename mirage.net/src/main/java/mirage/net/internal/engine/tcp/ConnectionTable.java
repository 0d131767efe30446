package mirage.net.internal.engine.tcp;

/**
 * Connections by 4-tuple: open addressing with linear probing and backward-shift deletion, sized
 * once for the engine's connection limit (at most half full), hashed with a random seed so a
 * peer cannot choose colliding tuples. Lookups allocate nothing.
 */
final class ConnectionTable {
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

    int size() {
        return size;
    }

    private int hash(int local, int lport, int remote, int rport) {
        long h = seed ^ ((long) local << 32 | (remote & 0xffffffffL));
        h ^= (long) lport << 16 | rport;
        h *= 0x9e3779b97f4a7c15L;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        return (int) h & mask;
    }

    TcpConnection find(int local, int lport, int remote, int rport) {
        for (int i = hash(local, lport, remote, rport); ; i = (i + 1) & mask) {
            TcpConnection c = slots[i];
            if (c == null) {
                return null;
            }
            if (c.localPort == lport && c.remotePort == rport && c.remoteAddress.bits() == remote
                    && c.localAddress.bits() == local) {
                return c;
            }
        }
    }

    void add(TcpConnection c) {
        if (size >= slots.length / 2) {
            throw new IllegalStateException("connection table full");
        }
        int i = hash(c.localAddress.bits(), c.localPort, c.remoteAddress.bits(), c.remotePort);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
        size++;
    }

    void remove(TcpConnection c) {
        int i = hash(c.localAddress.bits(), c.localPort, c.remoteAddress.bits(), c.remotePort);
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
            int home = hash(e.localAddress.bits(), e.localPort, e.remoteAddress.bits(), e.remotePort);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = e;
                slots[j] = null;
                hole = j;
            }
        }
    }
}
