package mirage.net.internal.engine.ipv6;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * Fragmentation at the source (RFC 8200 section 4.5): splits an IPv6 packet that does not fit
 * the path MTU into fragments that do. Each fragment is the packet's Unfragmentable Part (the
 * IPv6 header and the extension headers up to and including the last Routing header, else the
 * Hop-by-Hop Options header, else none), whose last Next Header now names the Fragment header,
 * then a Fragment header, then a piece of the Fragmentable Part, a multiple of 8 octets except in
 * the last fragment. A packet that fits goes out whole, without a Fragment header (RFC 8021: no
 * atomic fragments).
 *
 * <p>The Identification of each fragmented packet is drawn from the {@link Rng}: 32 random bits,
 * so that an off-path attacker cannot predict it (RFC 7739 section 5, "Randomized
 * Identification Values"). Two packets to one destination share one with probability 2^-32
 * per pair within a reassembly lifetime.
 *
 * <p>One buffer of the largest MTU is allocated at construction and lent to the {@link Sink}
 * for each fragment; nothing is allocated per packet. The packet is never changed. Not thread-safe: owned by the IPv6
 * layer's event loop.
 */
public final class Ipv6Fragmenter {

    /** What {@link #send} did. */
    public enum Outcome {
        /** The packet fitted and went to the sink as it was. */
        WHOLE,
        /** It went to the sink as fragments. */
        FRAGMENTED,
        /** The Unfragmentable Part leaves no room for 8 octets of data within the MTU: nothing sent. */
        UNFRAGMENTABLE_TOO_LONG,
        /** Its extension headers are not well-formed, or it is a fragment already: nothing sent. */
        MALFORMED
    }

    /** Where packets and fragments go. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes a whole IPv6 packet in {@code [offset, offset + length)} of {@code buffer}, lent
         * for the call: the sink must neither keep the buffer nor change its position or limit.
         */
        void transmit(long now, ByteBuffer buffer, int offset, int length);
    }

    private final Rng rng;
    private final int maxMtu;
    private final ByteBuffer tx;
    private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
    private long fragmented;
    private long fragmentsSent;

    /**
     * @param rng draws each fragmented packet's Identification
     * @param maxMtu the largest MTU {@link #send} will be asked for (the link MTU), at least 1280
     * @throws IllegalArgumentException if {@code maxMtu} is below 1280 (RFC 8200 section 5)
     */
    public Ipv6Fragmenter(Rng rng, int maxMtu) {
        this.rng = Objects.requireNonNull(rng, "rng");
        if (maxMtu < Ipv6Packet.MINIMUM_MTU) {
            throw new IllegalArgumentException("an IPv6 MTU is at least 1280 (RFC 8200 section 5): " + maxMtu);
        }
        this.maxMtu = maxMtu;
        this.tx = ByteBuffer.allocate(maxMtu);
    }

    /**
     * Sends {@code packet} (a checked view, read only during the call) to the sink whole if it
     * fits {@code mtu}, else as fragments of at most {@code mtu} octets each, in order.
     *
     * @param mtu the path MTU towards its destination, 1280 to the {@code maxMtu} given at construction
     * @throws IllegalArgumentException if {@code mtu} is out of that range
     */
    public Outcome send(long now, Ipv6Packet packet, int mtu, Sink sink) {
        if (mtu < Ipv6Packet.MINIMUM_MTU || mtu > maxMtu) {
            throw new IllegalArgumentException("MTU out of range 1280-" + maxMtu + ": " + mtu);
        }
        ByteBuffer in = packet.buffer();
        int start = packet.offset();
        int length = Ipv6Packet.HEADER_LENGTH + packet.payloadLength();
        if (length <= mtu) {
            sink.transmit(now, in, start, length);
            return Outcome.WHOLE;
        }
        Ipv6HeaderChain c = chain;
        if (!c.checkStructure(packet) || c.isFragment()) {
            return Outcome.MALFORMED;
        }
        int last = -1;
        for (int i = 0; i < c.headerCount(); i++) {
            int type = c.headerType(i);
            if (type == Ipv6HeaderChain.ROUTING || (type == Ipv6HeaderChain.HOP_BY_HOP && i == 0)) {
                last = i;
            }
        }
        int nextHeaderField = last < 0 ? Ipv6Packet.NEXT_HEADER : c.headerOffset(last) - start;
        int unfragmentable = last < 0 ? Ipv6Packet.HEADER_LENGTH : c.headerOffset(last) + c.headerLength(last) - start;
        int perFragment = (mtu - unfragmentable - Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH) & ~7;
        if (perFragment < 8) {
            return Outcome.UNFRAGMENTABLE_TOO_LONG;
        }
        int nextHeader = in.get(start + nextHeaderField) & 0xff;
        int identification = (int) rng.nextLong();
        int fragmentable = length - unfragmentable;
        ByteBuffer b = tx;
        for (int offset = 0; offset < fragmentable; offset += perFragment) {
            int n = Math.min(perFragment, fragmentable - offset);
            boolean more = offset + n < fragmentable;
            b.put(0, in, start, unfragmentable);
            b.putShort(Ipv6Packet.PAYLOAD_LENGTH,
                    (short) (unfragmentable - Ipv6Packet.HEADER_LENGTH + Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH + n));
            b.put(nextHeaderField, (byte) Ipv6HeaderChain.FRAGMENT);
            b.put(unfragmentable, (byte) nextHeader);
            b.put(unfragmentable + 1, (byte) 0);
            b.putShort(unfragmentable + 2, (short) (offset | (more ? Ipv6HeaderChain.MORE_FRAGMENTS : 0)));
            b.putInt(unfragmentable + 4, identification);
            b.put(unfragmentable + Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH, in, start + unfragmentable + offset, n);
            fragmentsSent++;
            sink.transmit(now, b, 0, unfragmentable + Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH + n);
        }
        fragmented++;
        return Outcome.FRAGMENTED;
    }

    /** Packets sent as fragments. */
    public long fragmented() {
        return fragmented;
    }

    /** Fragments sent. */
    public long fragmentsSent() {
        return fragmentsSent;
    }
}
