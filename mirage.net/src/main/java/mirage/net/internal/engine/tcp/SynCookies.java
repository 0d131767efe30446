package mirage.net.internal.engine.tcp;

/**
 * SYN cookies: the initial sequence number of a SYN-ACK sent without keeping state, when a
 * listener's backlog is full. The cookie is 24 bits of a keyed SipHash over the 4-tuple, the
 * peer's ISN and a 5-bit counter of 64-second ticks, then that counter and a 3-bit index into
 * {@link #MSS}. The ACK that completes the handshake acknowledges cookie + 1; it is accepted if
 * the hash matches and the counter is at most one tick old. Only the MSS survives the round trip:
 * window scaling, SACK and timestamps of the SYN are not remembered.
 */
final class SynCookies {
    /** The MSS values a cookie can carry, indexed by its three low bits. */
    static final int[] MSS = {536, 1200, 1360, 1400, 1440, 1460, 4312, 8960};
    /** The cookie clock: one tick per 64 s, 5 bits. */
    static final long TICK = 64_000_000_000L;

    private final SipHash key;

    SynCookies(SipHash key) {
        this.key = key;
    }

    /** The index of the largest value of {@link #MSS} not above {@code mss} (0 if none is). */
    static int mssIndex(int mss) {
        for (int i = MSS.length - 1; i >= 0; i--) {
            if (MSS[i] <= mss) {
                return i;
            }
        }
        return 0;
    }

    /** The cookie for a SYN from {@code remote:rport} with ISN {@code peerIsn} to {@code local:lport}, at {@code now}. */
    int issue(long now, int local, int lport, int remote, int rport, int peerIsn, int mssIndex) {
        return issue(now, 0, ConnectionTable.mapped(local), lport, 0, ConnectionTable.mapped(remote), rport, peerIsn, mssIndex);
    }

    /** As {@link #issue(long, int, int, int, int, int, int)} for addresses as keys of 128 bits (either family; {@link ConnectionTable}). */
    int issue(long now, long lh, long ll, int lport, long rh, long rl, int rport, int peerIsn, int mssIndex) {
        int t = tick(now);
        return hash(lh, ll, lport, rh, rl, rport, peerIsn, t) | t << 3 | mssIndex;
    }

    /**
     * The MSS of a handshake completed by an ACK of {@code cookie + 1} with sequence number
     * {@code peerIsn + 1}, or -1 if the cookie is not ours or is more than a tick old.
     */
    int check(long now, int local, int lport, int remote, int rport, int peerIsn, int cookie) {
        return check(now, 0, ConnectionTable.mapped(local), lport, 0, ConnectionTable.mapped(remote), rport, peerIsn, cookie);
    }

    /** As {@link #check(long, int, int, int, int, int, int)} for addresses as keys of 128 bits. */
    int check(long now, long lh, long ll, int lport, long rh, long rl, int rport, int peerIsn, int cookie) {
        int t = cookie >>> 3 & 0x1f;
        if (((tick(now) - t) & 0x1f) > 1) {
            return -1;
        }
        if ((cookie & 0xffffff00) != hash(lh, ll, lport, rh, rl, rport, peerIsn, t)) {
            return -1;
        }
        return MSS[cookie & 7];
    }

    private static int tick(long now) {
        return (int) (now / TICK) & 0x1f;
    }

    private int hash(long lh, long ll, int lport, long rh, long rl, int rport, int peerIsn, int t) {
        long h = key.hash(lh, ll, rh, rl, (long) lport << 16 | rport, (long) peerIsn << 8 | t);
        return (int) h & 0xffffff00;
    }
}
