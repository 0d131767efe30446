package mirage.net.internal.engine.icmp;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Ipv6Address;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr.ParameterProblemCode;
import mirage.net.internal.wire.Icmpv6Repr.TimeExceededCode;
import mirage.net.internal.wire.Icmpv6Repr.UnreachableCode;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * The ICMPv6 error messages a host sends (RFC 4443 sections 2.4 and 3), sans-IO: the IPv6 layer
 * calls one method per error it owes, with the offending packet, and this class applies the
 * rules of section 2.4 (e) and the rate limit of (f), builds the message and hands it to the
 * {@link Output}. Each call returns a {@link Verdict}, counted in {@link #count}.
 *
 * <h2>When nothing is sent (section 2.4 (e), in this order)</h2>
 * <ol>
 *   <li>{@link Verdict#ERROR_MESSAGE}: the offending packet is an ICMPv6 error (types 0-127), or
 *       a non-first fragment of ICMPv6 (its type is not there to tell), or ICMPv6 too short to
 *       have a type (e.1).</li>
 *   <li>{@link Verdict#REDIRECT}: it is a Redirect (e.2).</li>
 *   <li>{@link Verdict#MULTICAST_DESTINATION}: it was sent to a multicast address (e.3), unless
 *       the error is Packet Too Big or Parameter Problem code 2 (an unrecognised option whose
 *       action asks for a report even to multicast: the caller checks the action with
 *       {@link mirage.net.internal.wire.Ipv6OptionAction#reports} first).</li>
 *   <li>{@link Verdict#LINK_LAYER_MULTICAST}: it came in a link-layer multicast or broadcast frame
 *       (e.4, e.5), with the same two exceptions.</li>
 *   <li>{@link Verdict#NON_UNIQUE_SOURCE}: its source does not identify one node: the
 *       unspecified address or a multicast address (e.6). Anycast sources are not recognised
 *       (a host knows none but its own subnet-router anycast address, which it does not
 *       use as a source).</li>
 *   <li>{@link Verdict#RATE_LIMITED}: the token bucket (f) is empty.</li>
 *   <li>{@link Verdict#NO_ROUTE}: no source address to answer from, or the output could not send.</li>
 * </ol>
 *
 * <h2>The message</h2>
 * The invoking packet is quoted from its first octet for as much as fits an IPv6 packet of the
 * minimum MTU (section 2.4 (c)): 1232 octets after the 40-octet IPv6 header and the 8-octet
 * ICMPv6 header. Its source is the offending packet's destination when that was one of our
 * unicast addresses, else the address the output chooses for the reply's destination (section
 * 2.2); its destination is the offending packet's source.
 *
 * <h2>Rate limit</h2>
 * A token bucket ({@link TokenBucket}): by default {@link #DEFAULT_PER_SECOND} messages a second
 * with bursts of {@link #DEFAULT_BURST}, the same as ICMPv4's (RFC 4443 leaves the figures to the
 * implementation; Linux allows 1000 a second in all, 50 at once, and one a second per
 * destination by default). One bucket for every destination: a flood from one source cannot
 * make us flood another, and the bucket bounds what we send in all.
 *
 * <p>The offending packet must be a view checked with {@link Ipv6Packet#check} or
 * {@link Ipv6Packet#checkQuoted} and addressed to this host (one of our addresses or a group we
 * joined); it is read only during the call. One buffer is allocated at construction; a message
 * sent allocates its two addresses. Not thread-safe: owned by the IPv6 layer's event loop.
 */
public final class Icmpv6Errors {

    /** What became of an error message. */
    public enum Verdict {
        /** Handed to the output. */
        SENT,
        /** Not sent: the offending packet is an ICMPv6 error message (section 2.4 (e.1)). */
        ERROR_MESSAGE,
        /** Not sent: the offending packet is a Redirect (e.2). */
        REDIRECT,
        /** Not sent: the offending packet went to a multicast address (e.3). */
        MULTICAST_DESTINATION,
        /** Not sent: the offending packet came in a link-layer multicast or broadcast frame (e.4, e.5). */
        LINK_LAYER_MULTICAST,
        /** Not sent: the offending packet's source is unspecified or multicast (e.6). */
        NON_UNIQUE_SOURCE,
        /** Not sent: over the rate limit (f). */
        RATE_LIMITED,
        /** Not sent: no address to send from, or the output refused it. */
        NO_ROUTE
    }

    /** Where messages go: the IPv6 layer. */
    public interface Output {
        /**
         * Our unicast address to send from towards {@code destination}, chosen as for any packet
         * this host originates (RFC 4443 section 2.2 (b)); null if there is none.
         */
        Ipv6Address sourceFor(Ipv6Address destination);

        /**
         * Sends {@code message}, a whole ICMPv6 message with its checksum over the pseudo-header
         * of {@code source} and {@code destination}, in {@code [position, limit)}, lent for the
         * call, as the payload of an IPv6 packet with Next Header 58 and the link's hop limit.
         *
         * @return false if it could not be sent (no route)
         */
        boolean send(long now, Ipv6Address source, Ipv6Address destination, ByteBuffer message);
    }

    /** Error messages a second by default. */
    public static final int DEFAULT_PER_SECOND = 100;
    /** Error messages at once by default. */
    public static final int DEFAULT_BURST = 10;
    /** The most of the invoking packet a message quotes: 1280 - 40 - 8 (section 2.4 (c)). */
    public static final int MAX_QUOTE = Icmpv6Packet.MAX_ERROR_LENGTH - Icmpv6Packet.HEADER_LENGTH;

    private static final int TYPE_REDIRECT = 137;

    private final Output output;
    private final TokenBucket bucket;
    private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
    private final ByteBuffer tx = ByteBuffer.allocate(Icmpv6Packet.MAX_ERROR_LENGTH);
    private final long[] counts = new long[Verdict.values().length];

    /**
     * @param perSecond the sustained rate of error messages, at least 1
     * @param burst how many may go at once after a quiet spell, at least 1
     * @throws IllegalArgumentException if either is below 1
     */
    public Icmpv6Errors(Output output, int perSecond, int burst) {
        this.output = Objects.requireNonNull(output, "output");
        this.bucket = new TokenBucket(perSecond, burst);
    }

    /** With {@link #DEFAULT_PER_SECOND} and {@link #DEFAULT_BURST}. */
    public Icmpv6Errors(Output output) {
        this(output, DEFAULT_PER_SECOND, DEFAULT_BURST);
    }

    /** Destination Unreachable (section 3.1): no route, administratively prohibited, address or port unreachable, ... */
    public Verdict destinationUnreachable(long now, Ipv6Packet offending, boolean linkLayerMulticast, UnreachableCode code) {
        return error(now, offending, linkLayerMulticast, Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE, code.code(), 0, false);
    }

    /** Packet Too Big (section 3.2), with the MTU of the next hop; allowed towards multicast. */
    public Verdict packetTooBig(long now, Ipv6Packet offending, boolean linkLayerMulticast, int mtu) {
        return error(now, offending, linkLayerMulticast, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, mtu, true);
    }

    /** Time Exceeded (section 3.3): for a host, code 1, a reassembly that timed out, quoting its first fragment. */
    public Verdict timeExceeded(long now, Ipv6Packet offending, boolean linkLayerMulticast, TimeExceededCode code) {
        return error(now, offending, linkLayerMulticast, Icmpv6Packet.TYPE_TIME_EXCEEDED, code.code(), 0, false);
    }

    /**
     * Parameter Problem (section 3.4) pointing at octet {@code pointer} of the offending packet
     * (what {@link Ipv6HeaderChain#errorPointer()} says). Code 2 is allowed towards multicast:
     * the caller sends it only when the option's action asks for it.
     */
    public Verdict parameterProblem(long now, Ipv6Packet offending, boolean linkLayerMulticast, ParameterProblemCode code,
            int pointer) {
        return error(now, offending, linkLayerMulticast, Icmpv6Packet.TYPE_PARAMETER_PROBLEM, code.code(), pointer,
                code == ParameterProblemCode.UNRECOGNIZED_OPTION);
    }

    private Verdict error(long now, Ipv6Packet offending, boolean linkLayerMulticast, int type, int code, int word,
            boolean multicastAllowed) {
        Verdict v = decide(now, offending, linkLayerMulticast, multicastAllowed);
        if (v == Verdict.SENT) {
            v = send(now, offending, type, code, word);
        }
        counts[v.ordinal()]++;
        return v;
    }

    private Verdict decide(long now, Ipv6Packet p, boolean linkLayerMulticast, boolean multicastAllowed) {
        int icmpType = icmpType(p);
        if (icmpType >= 0 && icmpType < 128) {
            return Verdict.ERROR_MESSAGE;
        }
        if (icmpType == TYPE_REDIRECT) {
            return Verdict.REDIRECT;
        }
        if (p.destinationIsMulticast() && !multicastAllowed) {
            return Verdict.MULTICAST_DESTINATION;
        }
        if (linkLayerMulticast && !multicastAllowed) {
            return Verdict.LINK_LAYER_MULTICAST;
        }
        long sh = p.sourceHigh();
        if ((sh >>> 56) == 0xff || (sh == 0 && p.sourceLow() == 0)) {
            return Verdict.NON_UNIQUE_SOURCE;
        }
        return bucket.take(now) ? Verdict.SENT : Verdict.RATE_LIMITED;
    }

    /**
     * The ICMPv6 type of {@code p}: -1 if it is not ICMPv6 or its chain cannot be walked (then
     * nothing shows it is an error); 0, counted as an error, if it is ICMPv6 whose type is not
     * there (a later fragment, or too short).
     */
    private int icmpType(Ipv6Packet p) {
        Ipv6HeaderChain c = chain;
        if (!c.checkStructure(p) || c.upperLayerProtocol() != Ipv6Packet.NEXT_HEADER_ICMPV6) {
            return -1;
        }
        if ((c.isFragment() && c.fragmentOffset() != 0) || c.upperLayerLength() < 1) {
            return 0;
        }
        return p.buffer().get(c.upperLayerOffset()) & 0xff;
    }

    private Verdict send(long now, Ipv6Packet p, int type, int code, int word) {
        Ipv6Address destination = new Ipv6Address(p.sourceHigh(), p.sourceLow());
        Ipv6Address source = p.destinationIsMulticast() ? output.sourceFor(destination)
                : new Ipv6Address(p.destinationHigh(), p.destinationLow());
        if (source == null) {
            return Verdict.NO_ROUTE;
        }
        int quoted = Math.min(Ipv6Packet.HEADER_LENGTH + p.payloadLength(), MAX_QUOTE);
        int n = Icmpv6Packet.HEADER_LENGTH + quoted;
        ByteBuffer b = tx;
        b.clear();
        b.put(Icmpv6Packet.TYPE, (byte) type);
        b.put(Icmpv6Packet.CODE, (byte) code);
        b.putShort(Icmpv6Packet.CHECKSUM, (short) 0);
        b.putInt(Icmpv6Packet.BODY, word);
        b.put(Icmpv6Packet.HEADER_LENGTH, p.buffer(), p.offset(), quoted);
        long sum = InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, n);
        b.putShort(Icmpv6Packet.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, n)));
        b.limit(n);
        return output.send(now, source, destination, b) ? Verdict.SENT : Verdict.NO_ROUTE;
    }

    /** How many error messages had verdict {@code v}. */
    public long count(Verdict v) {
        return counts[v.ordinal()];
    }
}
