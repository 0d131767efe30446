package mirage.net.internal.engine.ipv4;

import java.nio.ByteBuffer;
import mirage.net.internal.engine.ip.FragmentAssembly;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * Fragment reassembly (RFC 791 section 3.2, "An Example Reassembly Procedure"), with a bitmap of
 * 8-octet blocks instead of hole descriptors ({@link FragmentAssembly}, shared with IPv6), and
 * bounded in every dimension: at most {@code maxDatagrams} datagrams at once, {@code maxBytes}
 * of buffers in all, {@code maxFragments} fragments per datagram, and a lifetime after the first
 * fragment. A fragment that overlaps one already received (exact duplicates included) discards
 * the whole datagram, as RFC 5722 asks of IPv6. When every slot is taken a new datagram's
 * fragment is dropped: the slots in use free up on completion or timeout. Not thread-safe: owned
 * by {@link Ipv4Engine}.
 */
final class Reassembly {

    /** Why a fragment was not accepted. */
    enum Outcome { PENDING, COMPLETE, MALFORMED, OVERLAP, OVER_LIMIT }

    private static final int HEADROOM = Ipv4Packet.MAX_HEADER_LENGTH;
    private static final int MAX_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH;

    private final Slot[] slots;
    /** Slots {@code active} now: while none is, {@link #nextDeadline} (asked after every packet) walks nothing. */
    private int activeSlots;
    private final FragmentAssembly.Budget budget;
    private final int maxFragments;
    private final long lifetime;

    /** The reassembled datagram after {@link Outcome#COMPLETE}, until the next call. */
    final Ipv4Packet complete = new Ipv4Packet();
    private Slot completed;

    Reassembly(int maxDatagrams, int maxBytes, int maxFragments, long lifetimeNanos) {
        this.budget = new FragmentAssembly.Budget(maxBytes);
        this.slots = new Slot[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            slots[i] = new Slot(budget);
        }
        this.maxFragments = maxFragments;
        this.lifetime = lifetimeNanos;
    }

    /** Bytes of reassembly buffers held now: the figure {@code maxBytes} bounds. */
    long bytes() {
        return budget.used();
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
        if (activeSlots == 0) {
            return d;
        }
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
        if ((more && (length == 0 || length % 8 != 0)) || offset + length > MAX_PAYLOAD) {
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
        switch (s.payload.place(f.buffer(), f.payloadOffset(), offset, length, more, HEADROOM)) {
            case PLACED -> { }
            case MALFORMED -> {
                free(s);
                return Outcome.MALFORMED;
            }
            case OVERLAP -> {
                free(s);
                return Outcome.OVERLAP;
            }
            case NO_MEMORY -> {
                free(s);
                return Outcome.OVER_LIMIT;
            }
        }
        if (offset == 0) {
            s.headerLength = f.headerLength();
            f.buffer().get(f.offset(), s.header, 0, s.headerLength);
        }
        if (s.payload.isComplete() && s.headerLength > 0) {
            return finish(s);
        }
        return Outcome.PENDING;
    }

    private Outcome finish(Slot s) {
        int hl = s.headerLength;
        int start = s.payload.headroom() - hl;
        ByteBuffer b = s.payload.buffer();
        b.put(start, s.header, 0, hl);
        int total = hl + s.payload.total();
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
                activeSlots++;
                s.source = f.source();
                s.destination = f.destination();
                s.protocol = f.protocol();
                s.identification = f.identification();
                s.deadline = now + lifetime;
                s.fragments = 0;
                s.headerLength = 0;
                return s;
            }
        }
        return null;
    }

    private void free(Slot s) {
        s.payload.reset();
        if (s.active) {
            activeSlots--;
        }
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
        int fragments;
        int headerLength;
        final byte[] header = new byte[Ipv4Packet.MAX_HEADER_LENGTH];
        final FragmentAssembly payload;

        Slot(FragmentAssembly.Budget budget) {
            this.payload = new FragmentAssembly(budget, MAX_PAYLOAD);
        }
    }
}
