package mirage.net.internal.engine.ipv4;

import java.nio.ByteBuffer;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * Fragment reassembly (RFC 791 section 3.2, "An Example Reassembly Procedure"), with a bitmap of
 * 8-octet blocks instead of hole descriptors, and bounded in every dimension: at most
 * {@code maxDatagrams} datagrams at once, {@code maxBytes} of buffers in all, {@code maxFragments}
 * fragments per datagram, and a lifetime after the first fragment. A fragment that overlaps one
 * already received (exact duplicates included) discards the whole datagram, as RFC 5722 asks of
 * IPv6. When every slot is taken a new datagram's fragment is dropped: the slots in use free up
 * on completion or timeout. Not thread-safe: owned by {@link Ipv4Engine}.
 */
final class Reassembly {

    /** Why a fragment was not accepted. */
    enum Outcome { PENDING, COMPLETE, MALFORMED, OVERLAP, OVER_LIMIT }

    private static final int HEADROOM = Ipv4Packet.MAX_HEADER_LENGTH;
    private static final int MAX_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH;
    private static final int BLOCKS = (MAX_PAYLOAD + 7) / 8;
    private static final int MIN_BUFFER = 2048;

    private final Slot[] slots;
    private final int maxBytes;
    private final int maxFragments;
    private final long lifetime;
    private long bytes;

    /** The reassembled datagram after {@link Outcome#COMPLETE}, until the next call. */
    final Ipv4Packet complete = new Ipv4Packet();
    private Slot completed;

    Reassembly(int maxDatagrams, int maxBytes, int maxFragments, long lifetimeNanos) {
        this.slots = new Slot[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            slots[i] = new Slot();
        }
        this.maxBytes = maxBytes;
        this.maxFragments = maxFragments;
        this.lifetime = lifetimeNanos;
    }

    /** Bytes of reassembly buffers held now: the figure {@code maxBytes} bounds. */
    long bytes() {
        return bytes;
    }

    /** Datagrams being reassembled now. */
    int active() {
        int n = 0;
        for (Slot s : slots) {
            n += s.active ? 1 : 0;
        }
        return n;
    }

    /** Frees the buffer of the datagram last returned complete. */
    void release() {
        if (completed != null) {
            free(completed);
            completed = null;
        }
    }

    /** Discards datagrams whose lifetime has passed; returns how many. */
    int expire(long now) {
        int n = 0;
        for (Slot s : slots) {
            if (s.active && now - s.deadline >= 0) {
                free(s);
                n++;
            }
        }
        return n;
    }

    /** The earliest deadline of a datagram in reassembly, or {@code Long.MAX_VALUE}. */
    long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (Slot s : slots) {
            if (s.active && s.deadline < d) {
                d = s.deadline;
            }
        }
        return d;
    }

    /** Adds a checked fragment (MF set or a nonzero offset). */
    Outcome add(long now, Ipv4Packet f) {
        release();
        int offset = f.fragmentOffset() * 8;
        int length = f.payloadLength();
        boolean more = f.moreFragments();
        int end = offset + length;
        if ((more && (length == 0 || length % 8 != 0)) || end > MAX_PAYLOAD) {
            return Outcome.MALFORMED;
        }
        Slot s = find(f);
        if (s == null) {
            s = take(now, f);
            if (s == null) {
                return Outcome.OVER_LIMIT;
            }
        }
        if (++s.fragments > maxFragments) {
            free(s);
            return Outcome.OVER_LIMIT;
        }
        // The end of the datagram, once known, bounds every fragment; a second last fragment must agree.
        if ((s.total >= 0 && (end > s.total || (!more && end != s.total))) || (!more && end < s.received)) {
            free(s);
            return Outcome.MALFORMED;
        }
        int firstBlock = offset >>> 3;
        int lastBlock = (end + 7 >>> 3) - 1;
        if (length > 0 && s.anySet(firstBlock, lastBlock)) {
            free(s);
            return Outcome.OVERLAP;
        }
        if (!ensure(s, HEADROOM + end)) {
            free(s);
            return Outcome.OVER_LIMIT;
        }
        if (length > 0) {
            s.set(firstBlock, lastBlock);
            f.buffer().get(f.payloadOffset(), s.data, HEADROOM + offset, length);
        }
        s.bytesReceived += length;
        s.received = Math.max(s.received, end);
        if (!more) {
            s.total = end;
        }
        if (offset == 0) {
            s.headerLength = f.headerLength();
            f.buffer().get(f.offset(), s.header, 0, s.headerLength);
        }
        if (s.total >= 0 && s.headerLength > 0 && s.bytesReceived == s.total) {
            return finish(s);
        }
        return Outcome.PENDING;
    }

    private Outcome finish(Slot s) {
        int hl = s.headerLength;
        int start = HEADROOM - hl;
        System.arraycopy(s.header, 0, s.data, start, hl);
        ByteBuffer b = s.view;
        int total = hl + s.total;
        if (total > Ipv4Packet.MAX_TOTAL_LENGTH) {
            // The first fragment's options leave less room than the fragments claimed.
            free(s);
            return Outcome.MALFORMED;
        }
        b.putShort(start + Ipv4Packet.TOTAL_LENGTH, (short) total);
        b.putShort(start + Ipv4Packet.FLAGS_FRAGMENT,
                (short) (b.getShort(start + Ipv4Packet.FLAGS_FRAGMENT) & Ipv4Packet.FLAG_DONT_FRAGMENT));
        b.putShort(start + Ipv4Packet.CHECKSUM, (short) 0);
        b.putShort(start + Ipv4Packet.CHECKSUM, (short) InternetChecksum.of(b, start, hl));
        if (!complete.check(b, start, total)) {
            free(s);
            return Outcome.MALFORMED;
        }
        completed = s;
        return Outcome.COMPLETE;
    }

    private Slot find(Ipv4Packet f) {
        for (Slot s : slots) {
            if (s.active && s.source == f.source() && s.destination == f.destination()
                    && s.protocol == f.protocol() && s.identification == f.identification()) {
                return s;
            }
        }
        return null;
    }

    private Slot take(long now, Ipv4Packet f) {
        for (Slot s : slots) {
            if (!s.active) {
                s.active = true;
                s.source = f.source();
                s.destination = f.destination();
                s.protocol = f.protocol();
                s.identification = f.identification();
                s.deadline = now + lifetime;
                s.total = -1;
                s.received = 0;
                s.bytesReceived = 0;
                s.fragments = 0;
                s.headerLength = 0;
                return s;
            }
        }
        return null;
    }

    private boolean ensure(Slot s, int capacity) {
        int have = s.data == null ? 0 : s.data.length;
        if (capacity <= have) {
            return true;
        }
        int want = Math.min(HEADROOM + MAX_PAYLOAD, Math.max(capacity, Math.max(MIN_BUFFER, have * 2)));
        if (bytes - have + want > maxBytes) {
            want = capacity;
            if (bytes - have + want > maxBytes) {
                return false;
            }
        }
        byte[] grown = new byte[want];
        if (s.data != null) {
            System.arraycopy(s.data, 0, grown, 0, have);
        }
        s.data = grown;
        s.view = ByteBuffer.wrap(grown);
        bytes += want - have;
        return true;
    }

    private void free(Slot s) {
        if (s.data != null) {
            bytes -= s.data.length;
            s.data = null;
            s.view = null;
        }
        java.util.Arrays.fill(s.blocks, 0L);
        s.active = false;
        if (completed == s) {
            completed = null;
        }
    }

    private static final class Slot {
        boolean active;
        int source;
        int destination;
        int protocol;
        int identification;
        long deadline;
        /** Payload length once the last fragment came, else -1. */
        int total;
        /** The highest payload end seen. */
        int received;
        int bytesReceived;
        int fragments;
        int headerLength;
        final byte[] header = new byte[Ipv4Packet.MAX_HEADER_LENGTH];
        final long[] blocks = new long[(BLOCKS + 63) / 64];
        byte[] data;
        ByteBuffer view;

        boolean anySet(int from, int to) {
            for (int i = from; i <= to; i++) {
                if ((blocks[i >>> 6] & 1L << i) != 0) {
                    return true;
                }
            }
            return false;
        }

        void set(int from, int to) {
            for (int i = from; i <= to; i++) {
                blocks[i >>> 6] |= 1L << i;
            }
        }
    }
}
