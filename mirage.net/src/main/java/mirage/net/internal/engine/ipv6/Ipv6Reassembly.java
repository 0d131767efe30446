package mirage.net.internal.engine.ipv6;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.internal.engine.ip.FragmentAssembly;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * Reassembly of IPv6 fragments (RFC 8200 section 4.5), sans-IO and bounded: the IPv6 layer
 * hands it each packet whose header chain ({@link Ipv6HeaderChain#check(Ipv6Packet)}) ends in a
 * Fragment header, and gets back the reassembled packet when its last missing fragment comes.
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Fragments belong together when they have the same Source Address, Destination Address
 *       and Fragment Identification (section 4.5). The reassembled packet is the first
 *       fragment's Unfragmentable Part (every header before its Fragment header), with the Next
 *       Header of its last header taken from the first fragment's Fragment header and the Payload
 *       Length computed, followed by the fragment data in order. The Next Header of other
 *       fragments is not used.</li>
 *   <li>An <em>atomic fragment</em> (offset 0, M clear) is "processed as a fully reassembled
 *       packet" (RFC 6946 section 4): it never touches reassembly state, even if fragments with
 *       its Identification are being reassembled; {@link Outcome#ATOMIC} returns it without its
 *       Fragment header.</li>
 *   <li>A fragment that overlaps one already received, exact duplicates included, discards the
 *       whole datagram and every later fragment of it (RFC 5722 section 4: "the entire datagram
 *       (and any constituent fragments, including those not yet received) MUST be silently
 *       discarded"): the datagram's slot stays, holding no buffer, until its deadline, and
 *       fragments that match it are {@link Outcome#DISCARDED}. A datagram discarded for any
 *       other reason (too many fragments, no memory, inconsistent lengths) is remembered the same
 *       way, so that its remaining fragments cannot start a reassembly that can never finish.</li>
 *   <li>A datagram still incomplete {@link Limits#timeoutNanos()} after its first-arriving
 *       fragment (60 s, section 4.5) is abandoned; if its first fragment (offset 0) had come,
 *       that fragment, rebuilt as it arrived (cut to what an ICMPv6 error quotes, 1232 octets),
 *       goes to the {@link TimeExceededListener}, whose owner sends Time Exceeded code 1,
 *       "fragment reassembly time exceeded". Deadlines are checked on every {@link #add} and
 *       {@link #poll}.</li>
 *   <li>A fragment whose end, with the Unfragmentable Part of its packet, would make a Payload
 *       Length over 65535 is {@link Outcome#TOO_LONG}: section 4.5 asks for a Parameter Problem
 *       code 0 pointing at its Fragment Offset field ({@link #errorPointer()}). Jumbograms (RFC
 *       2675) are not supported: the wire layer refuses their Hop-by-Hop option, and nothing
 *       reassembles past 65535 octets of payload.</li>
 *   <li>A non-final fragment whose length is not a multiple of 8 never reaches here (the chain
 *       check fails with {@code BAD_FRAGMENT}, Parameter Problem code 0); an empty non-final
 *       fragment, useless and a cheap way to spend the fragment count, is dropped alone
 *       ({@link Outcome#EMPTY_FRAGMENT}). A first fragment without the whole header chain (RFC
 *       7112) is refused by the chain check too.</li>
 * </ul>
 *
 * <h2>Limits ({@link Limits}, each counted when reached)</h2>
 * At most {@link Limits#datagrams()} datagrams at once, discarded ones included (a new datagram's
 * fragment is then {@link Outcome#NO_DATAGRAM_SLOT}); at most {@link Limits#bytes()} of
 * reassembly buffers in all ({@link Outcome#NO_MEMORY} discards the datagram that would pass it);
 * at most {@link Limits#fragments()} fragments per datagram ({@link Outcome#TOO_MANY_FRAGMENTS}).
 * Beyond the byte bound it holds, fixed from construction, a bitmap of 1 KiB per datagram slot,
 * 1232 octets for the rebuilt first fragment, and, from the first atomic fragment on, one
 * buffer of 65575 octets that atomic fragments are rebuilt in.
 *
 * <h2>Allocation</h2>
 * A datagram's buffer is allocated when its first fragment arrives (and grows, doubling, as
 * later ones reach further) and is dropped when it completes, times out or is discarded, as in
 * the IPv4 reassembly (which shares {@link FragmentAssembly}); nothing else allocates per
 * packet.
 *
 * <p>Not thread-safe: owned by the IPv6 layer's event loop. Nothing read from the network throws.
 */
public final class Ipv6Reassembly {

    /** What {@link #add} did with a fragment. */
    public enum Outcome {
        /** Kept; the datagram is not complete yet. */
        PENDING,
        /** The datagram is complete: {@link #complete()} holds it. */
        COMPLETE,
        /** An atomic fragment (RFC 6946): {@link #complete()} holds it without its Fragment header. */
        ATOMIC,
        /** Lengths that contradict the datagram's (past its end, a second last fragment): the datagram is discarded. */
        MALFORMED,
        /** An empty fragment with M set: useless, dropped alone (the datagram is untouched). */
        EMPTY_FRAGMENT,
        /** Would reassemble past 65535 octets of payload: dropped; a Parameter Problem code 0 at {@link #errorPointer()} is owed. */
        TOO_LONG,
        /** Overlaps a fragment already received: the datagram is discarded, later fragments too (RFC 5722). */
        OVERLAP,
        /** A fragment of a datagram discarded before: dropped silently. */
        DISCARDED,
        /** Every datagram slot is in use: dropped. */
        NO_DATAGRAM_SLOT,
        /** Its buffer would pass the byte limit: the datagram is discarded. */
        NO_MEMORY,
        /** One fragment more than a datagram may have: the datagram is discarded. */
        TOO_MANY_FRAGMENTS;

        /** Whether {@link #complete()} holds a packet for the upper layer. */
        public boolean delivers() {
            return this == COMPLETE || this == ATOMIC;
        }
    }

    /**
     * The bounds of a reassembly.
     *
     * @param datagrams most datagrams in reassembly (or remembered as discarded) at once; 0 refuses every fragment
     * @param bytes most bytes of reassembly buffers in all
     * @param fragments most fragments of one datagram, at least 1
     * @param timeoutNanos how long a datagram may take after its first-arriving fragment, above 0
     */
    public record Limits(int datagrams, int bytes, int fragments, long timeoutNanos) {
        /** "within 60 seconds of the reception of the first-arriving fragment" (RFC 8200 section 4.5). */
        public static final long TIMEOUT_NANOS = 60_000_000_000L;

        /**
         * 16 datagrams, 256 KiB, 64 fragments per datagram (a 65535-octet payload over 1280-octet
         * links takes 54), 60 s: the IPv4 reassembly's bounds with RFC 8200's timeout.
         */
        public static final Limits DEFAULTS = new Limits(16, 256 * 1024, 64, TIMEOUT_NANOS);

        /** @throws IllegalArgumentException if a bound is out of range */
        public Limits {
            if (datagrams < 0 || bytes < 0 || fragments < 1 || timeoutNanos <= 0) {
                throw new IllegalArgumentException("reassembly limits out of range: " + datagrams + " datagrams, " + bytes
                        + " bytes, " + fragments + " fragments, " + timeoutNanos + " ns");
            }
        }
    }

    /** Told of a datagram abandoned at its deadline whose first fragment had come (RFC 8200 section 4.5). */
    @FunctionalInterface
    public interface TimeExceededListener {
        /**
         * @param firstFragment the first fragment as it arrived, a view checked with
         *     {@link Ipv6Packet#checkQuoted} (at most 1232 octets of it are there), lent for the
         *     call: the invoking packet of a Time Exceeded code 1 to its source
         */
        void timeExceeded(long now, Ipv6Packet firstFragment);
    }

    /** The most payload a packet reassembles to: the 16-bit Payload Length (no jumbograms). */
    static final int MAX_PAYLOAD = Ipv6Packet.MAX_PAYLOAD_LENGTH;
    private static final int QUOTE = Icmpv6Packet.MAX_ERROR_LENGTH - Icmpv6Packet.HEADER_LENGTH;

    private final Limits limits;
    private final FragmentAssembly.Budget budget;
    private final Slot[] slots;
    /** Slots {@code active} now: while none is, {@link #nextDeadline} (asked after every packet) walks nothing. */
    private int activeSlots;
    private final long[] counts = new long[Outcome.values().length];
    private final Ipv6Packet complete = new Ipv6Packet();
    private final Ipv6Packet quoted = new Ipv6Packet();
    private final ByteBuffer quote = ByteBuffer.allocate(QUOTE);
    private ByteBuffer atomic;
    private TimeExceededListener listener = (now, first) -> { };
    private Slot completed;
    private int errorPointer = -1;
    private long fragments;
    private long timeouts;
    private long timeExceeded;

    public Ipv6Reassembly(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.budget = new FragmentAssembly.Budget(limits.bytes());
        this.slots = new Slot[limits.datagrams()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(budget);
        }
    }

    /** Sets who hears of datagrams that timed out after their first fragment came (replacing the previous one). */
    public void onTimeExceeded(TimeExceededListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Takes a fragment: {@code packet}, checked, whose chain {@code chain} was checked with
     * {@link Ipv6HeaderChain#check(Ipv6Packet)} (so it ends in the Fragment header:
     * {@link Ipv6HeaderChain#isFragment()}). Both are only read during the call. Expires what is
     * due first (the listener may be called).
     *
     * @return what became of it; counted in {@link #count}
     * @throws IllegalArgumentException if {@code chain} is not a fragment's (a caller's bug)
     */
    public Outcome add(long now, Ipv6Packet packet, Ipv6HeaderChain chain) {
        if (!chain.isFragment()) {
            throw new IllegalArgumentException("not a fragment: the chain does not end in a Fragment header");
        }
        release();
        expire(now);
        fragments++;
        errorPointer = -1;
        Outcome o = place(now, packet, chain);
        counts[o.ordinal()]++;
        return o;
    }

    private Outcome place(long now, Ipv6Packet p, Ipv6HeaderChain chain) {
        ByteBuffer in = p.buffer();
        int fragmentIndex = chain.headerCount() - 1;
        int fragmentAt = chain.headerOffset(fragmentIndex);
        int unfragmentable = fragmentAt - p.offset();
        int nextHeaderField = (fragmentIndex == 0 ? p.offset() + Ipv6Packet.NEXT_HEADER : chain.headerOffset(fragmentIndex - 1)) - p.offset();
        int offset = chain.fragmentOffset();
        int length = chain.upperLayerLength();
        boolean more = chain.moreFragments();
        if (chain.isAtomicFragment()) {
            return atomic(p, unfragmentable, nextHeaderField, chain.upperLayerProtocol(), chain.upperLayerOffset(), length);
        }
        if (more && length == 0) {
            return Outcome.EMPTY_FRAGMENT;
        }
        if (unfragmentable - Ipv6Packet.HEADER_LENGTH + offset + length > MAX_PAYLOAD) {
            errorPointer = fragmentAt + 2 - p.offset();
            return Outcome.TOO_LONG;
        }
        long sh = p.sourceHigh();
        long sl = p.sourceLow();
        long dh = p.destinationHigh();
        long dl = p.destinationLow();
        int id = chain.fragmentIdentification();
        Slot s = find(sh, sl, dh, dl, id);
        if (s == null) {
            s = take(now, sh, sl, dh, dl, id);
            if (s == null) {
                return Outcome.NO_DATAGRAM_SLOT;
            }
        }
        if (s.discarded) {
            return Outcome.DISCARDED;
        }
        if (++s.fragments > limits.fragments()) {
            discard(s);
            return Outcome.TOO_MANY_FRAGMENTS;
        }
        int headroom = offset == 0 ? unfragmentable : Math.max(s.unfragmentable, Ipv6Packet.HEADER_LENGTH);
        Outcome placed = switch (s.payload.place(in, chain.upperLayerOffset(), offset, length, more, headroom)) {
            case PLACED -> null;
            case MALFORMED -> Outcome.MALFORMED;
            case OVERLAP -> Outcome.OVERLAP;
            case NO_MEMORY -> Outcome.NO_MEMORY;
        };
        if (placed != null) {
            discard(s);
            return placed;
        }
        if (offset == 0) {
            s.unfragmentable = unfragmentable;
            s.nextHeaderField = nextHeaderField;
            s.nextHeader = chain.upperLayerProtocol();
            s.firstLength = length;
            s.payload.buffer().put(s.payload.headroom() - unfragmentable, in, p.offset(), unfragmentable);
        }
        if (s.unfragmentable > 0 && s.unfragmentable - Ipv6Packet.HEADER_LENGTH + s.payload.highestEnd() > MAX_PAYLOAD) {
            // The first fragment's headers leave less room than the others claimed.
            discard(s);
            return Outcome.MALFORMED;
        }
        if (s.unfragmentable > 0 && s.payload.isComplete()) {
            return finish(s);
        }
        return Outcome.PENDING;
    }

    private Outcome finish(Slot s) {
        ByteBuffer b = s.payload.buffer();
        int start = s.payload.headroom() - s.unfragmentable;
        int length = s.unfragmentable + s.payload.total();
        b.putShort(start + Ipv6Packet.PAYLOAD_LENGTH, (short) (length - Ipv6Packet.HEADER_LENGTH));
        b.put(start + s.nextHeaderField, (byte) s.nextHeader);
        if (!complete.check(b, start, length)) {
            discard(s);
            return Outcome.MALFORMED;
        }
        completed = s;
        return Outcome.COMPLETE;
    }

    private Outcome atomic(Ipv6Packet p, int unfragmentable, int nextHeaderField, int nextHeader, int dataAt, int length) {
        if (atomic == null) {
            atomic = ByteBuffer.allocate(Ipv6Packet.HEADER_LENGTH + MAX_PAYLOAD);
        }
        ByteBuffer b = atomic;
        b.put(0, p.buffer(), p.offset(), unfragmentable);
        b.put(unfragmentable, p.buffer(), dataAt, length);
        b.putShort(Ipv6Packet.PAYLOAD_LENGTH, (short) (unfragmentable - Ipv6Packet.HEADER_LENGTH + length));
        b.put(nextHeaderField, (byte) nextHeader);
        complete.check(b, 0, unfragmentable + length);
        return Outcome.ATOMIC;
    }

    /**
     * The packet of the last {@link Outcome#COMPLETE} or {@link Outcome#ATOMIC}: a checked view
     * over a buffer of this reassembly, without a Fragment header, its chain to be checked again
     * ({@link Ipv6HeaderChain#check(Ipv6Packet)}) to reach the upper layer; valid until the next
     * {@link #add}, {@link #poll} or {@link #release}.
     */
    public Ipv6Packet complete() {
        return complete;
    }

    /** After {@link Outcome#TOO_LONG}: the Parameter Problem pointer (the Fragment Offset field, from the packet's start); else -1. */
    public int errorPointer() {
        return errorPointer;
    }

    /** Gives back the buffer of the datagram last completed (also done by the next {@link #add} or {@link #poll}). */
    public void release() {
        if (completed != null) {
            free(completed);
            completed = null;
        }
    }

    /**
     * Abandons the datagrams whose deadline has come (telling the listener of those whose first
     * fragment came) and forgets discarded ones whose deadline has come.
     *
     * @return the next deadline, or {@code Long.MAX_VALUE} if nothing is in reassembly
     */
    public long poll(long now) {
        release();
        expire(now);
        return nextDeadline();
    }

    /** When {@link #poll} has something to do, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
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

    private void expire(long now) {
        for (Slot s : slots) {
            if (s.active && now - s.deadline >= 0) {
                if (!s.discarded) {
                    timeouts++;
                    if (s.unfragmentable > 0) {
                        timeExceeded++;
                        listener.timeExceeded(now, rebuildFirst(s));
                    }
                }
                free(s);
            }
        }
    }

    /** The first fragment as it came, as much of it as an error quotes. */
    private Ipv6Packet rebuildFirst(Slot s) {
        ByteBuffer q = quote;
        ByteBuffer b = s.payload.buffer();
        int u = s.unfragmentable;
        int n = Math.min(u, QUOTE);
        q.put(0, b, s.payload.headroom() - u, n);
        q.putShort(Ipv6Packet.PAYLOAD_LENGTH,
                (short) (u - Ipv6Packet.HEADER_LENGTH + Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH + s.firstLength));
        long fragmentHeader = (long) s.nextHeader << 56 | (long) Ipv6HeaderChain.MORE_FRAGMENTS << 32
                | (s.identification & 0xffff_ffffL);
        for (int i = 0; i < Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH && n < QUOTE; i++) {
            q.put(n++, (byte) (fragmentHeader >>> 56 - 8 * i));
        }
        int data = Math.min(s.firstLength, QUOTE - n);
        q.put(n, b, s.payload.headroom(), data);
        n += data;
        quoted.checkQuoted(q, 0, n);
        return quoted;
    }

    private Slot find(long sh, long sl, long dh, long dl, int id) {
        for (Slot s : slots) {
            if (s.active && s.identification == id && s.sourceLow == sl && s.destinationLow == dl && s.sourceHigh == sh
                    && s.destinationHigh == dh) {
                return s;
            }
        }
        return null;
    }

    private Slot take(long now, long sh, long sl, long dh, long dl, int id) {
        for (Slot s : slots) {
            if (!s.active) {
                s.active = true;
                activeSlots++;
                s.discarded = false;
                s.sourceHigh = sh;
                s.sourceLow = sl;
                s.destinationHigh = dh;
                s.destinationLow = dl;
                s.identification = id;
                s.deadline = now + limits.timeoutNanos();
                s.fragments = 0;
                s.unfragmentable = 0;
                return s;
            }
        }
        return null;
    }

    /** RFC 5722: the datagram's buffer goes; the slot stays until its deadline, dropping later fragments. */
    private void discard(Slot s) {
        s.payload.reset();
        s.discarded = true;
        if (completed == s) {
            completed = null;
        }
    }

    private void free(Slot s) {
        s.payload.reset();
        if (s.active) {
            activeSlots--;
        }
        s.active = false;
        s.discarded = false;
        if (completed == s) {
            completed = null;
        }
    }

    /** How many fragments had outcome {@code o}. */
    public long count(Outcome o) {
        return counts[o.ordinal()];
    }

    /** Fragments taken by {@link #add} (atomic ones included). */
    public long fragments() {
        return fragments;
    }

    /** Datagrams abandoned at their deadline (discarded ones not counted). */
    public long timeouts() {
        return timeouts;
    }

    /** Of {@link #timeouts()}, those whose first fragment had come: the listener was told. */
    public long timeExceeded() {
        return timeExceeded;
    }

    /** Bytes of reassembly buffers held now; never above {@link Limits#bytes()}. */
    public long bytes() {
        return budget.used();
    }

    /** Datagrams in reassembly or remembered as discarded now. */
    public int active() {
        int n = 0;
        for (Slot s : slots) {
            n += s.active ? 1 : 0;
        }
        return n;
    }

    /** The limits it was built with. */
    public Limits limits() {
        return limits;
    }

    private static final class Slot {
        boolean active;
        /** Discarded (RFC 5722): no buffer; later fragments are dropped until the deadline. */
        boolean discarded;
        long sourceHigh;
        long sourceLow;
        long destinationHigh;
        long destinationLow;
        int identification;
        long deadline;
        int fragments;
        /** Octets before the first fragment's Fragment header (fixed header included); 0 until it comes. */
        int unfragmentable;
        /** Where, from the packet's start, the Next Header field naming the Fragment header is. */
        int nextHeaderField;
        /** The first fragment's Fragment header's Next Header. */
        int nextHeader;
        /** The first fragment's data length. */
        int firstLength;
        final FragmentAssembly payload;

        Slot(FragmentAssembly.Budget budget) {
            this.payload = new FragmentAssembly(budget, MAX_PAYLOAD);
        }
    }
}
