package mirage.net.internal.engine.icmp;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Icmpv4;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Icmpv4Packet;

/**
 * ICMPv4 for a host (RFC 792, RFC 1122 section 3.2.2), sans-IO above an {@link Ipv4Engine}:
 * answers Echo Requests addressed to one of our unicast addresses (broadcast ones are ignored, as
 * RFC 1122 section 3.2.2.6 allows), sends Echo Requests for {@link #ping} and matches the replies
 * by source, identifier and sequence, and sends Destination Unreachable for the transports
 * ({@link #destinationUnreachable}) through a token bucket driven by {@code now} (RFC 1812
 * section 4.3.2.8), also for protocols nobody handles; the binding calls it, as it hands
 * {@link #receive} the ICMP datagrams. Messages that are too short or whose checksum fails are
 * dropped and counted.
 * Received error messages (Destination Unreachable, Time Exceeded, Parameter Problem) that quote
 * a datagram of ours are passed to the {@link ErrorListener} (the binding gives TCP's; RFC 1122
 * section 3.2.2.1 asks that they reach the transport), the quoted header checked first.
 *
 * <p>Not thread-safe: owned by one event loop.
 */
public final class Icmpv4Engine {

    /** The Destination Unreachable code for a transport protocol nobody handles (RFC 792). */
    public static final int PROTOCOL_UNREACHABLE = 2;

    /** The Destination Unreachable code for a closed UDP port (RFC 792). */
    public static final int PORT_UNREACHABLE = 3;

    /** The Destination Unreachable code "fragmentation needed and DF set" (RFC 792, RFC 1191). */
    public static final int FRAGMENTATION_NEEDED = 4;

    /** How long a ping waits for its reply before it is forgotten. */
    public static final long PING_TIMEOUT_NANOS = 10_000_000_000L;

    private static final int TTL = 64;
    private static final int OUTSTANDING = 32;

    /** A matched Echo Reply. */
    @FunctionalInterface
    public interface EchoReplyListener {
        /**
         * @param data the echoed data; the engine owns it, valid only during the call
         * @param roundTripNanos from {@link #ping} to the reply's arrival
         */
        void reply(long now, Ipv4Address source, int identifier, int sequence, ByteBuffer data, long roundTripNanos);
    }

    /**
     * An ICMP error about a datagram this host sent (RFC 1122 section 3.2.2: the transport must
     * be told). Called on the engine's thread with views valid only during the call.
     */
    @FunctionalInterface
    public interface ErrorListener {
        /**
         * @param type {@link Icmpv4Packet#TYPE_DESTINATION_UNREACHABLE}, {@link Icmpv4Packet#TYPE_TIME_EXCEEDED} or
         *     {@link Icmpv4Packet#TYPE_PARAMETER_PROBLEM}
         * @param nextHopMtu the next-hop MTU of "fragmentation needed" (RFC 1191), else 0
         * @param quoted the quoted datagram, checked as a quoted header ({@link Ipv4Packet#checkQuoted}):
         *     its source is one of ours, and at least 8 octets of its payload are present
         */
        void error(long now, int type, int code, int nextHopMtu, Ipv4Packet quoted);
    }

    private final Ipv4Engine ip;
    private final Icmpv4Packet view = new Icmpv4Packet();
    private final Ipv4Packet quotedView = new Ipv4Packet();
    private ErrorListener errorListener = (now, type, code, mtu, quoted) -> { };
    private long errorsReceived;
    private long errorsDelivered;
    private final ByteBuffer tx = ByteBuffer.allocate(Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH);
    private final TokenBucket bucket;
    private EchoReplyListener listener = (now, source, identifier, sequence, data, rtt) -> { };

    private final int[] pingDestination = new int[OUTSTANDING];
    private final int[] pingKey = new int[OUTSTANDING];
    private final long[] pingSent = new long[OUTSTANDING];
    private final boolean[] pingActive = new boolean[OUTSTANDING];

    private long echoRequestsReceived;
    private long echoRepliesSent;
    private long echoRequestsSent;
    private long echoRepliesReceived;
    private long unmatchedReplies;
    private long unreachableSent;
    private long rateLimited;
    private long otherReceived;
    private long malformed;

    /**
     * An engine that sends through {@code ip}.
     *
     * @param errorsPerSecond the sustained rate of error messages, at least 1
     * @param burst how many may go at once after a quiet spell, at least 1
     */
    public Icmpv4Engine(Ipv4Engine ip, int errorsPerSecond, int burst) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.bucket = new TokenBucket(errorsPerSecond, burst);
    }

    /** With the default limit: 100 error messages a second, bursts of 10. */
    public Icmpv4Engine(Ipv4Engine ip) {
        this(ip, 100, 10);
    }

    /** Sets who hears matched Echo Replies. */
    public void listen(EchoReplyListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Receives an ICMP message: the payload of {@code datagram}, a checked view lent for the call
     * (what {@link Ipv4Engine#receive} returned). Never throws for any bytes.
     */
    public void receive(long now, Ipv4Packet datagram) {
        Icmpv4Packet m = view;
        if (!m.check(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength()) || !m.checksumVerifies()) {
            malformed++;
            return;
        }
        switch (m.type()) {
            case Icmpv4Packet.TYPE_ECHO_REQUEST -> {
                echoRequestsReceived++;
                if (m.code() == 0 && ip.isLocalUnicast(datagram.destination())) {
                    reply(now, datagram, m);
                }
            }
            case Icmpv4Packet.TYPE_ECHO_REPLY -> {
                echoRepliesReceived++;
                matchReply(now, datagram.source(), m);
            }
            case Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.TYPE_PARAMETER_PROBLEM -> {
                otherReceived++;
                errorsReceived++;
                error(now, m);
            }
            default -> otherReceived++;
        }
    }

    /**
     * Passes an error on if it quotes a datagram we could have sent: a whole quoted header whose
     * source is one of our addresses, a first fragment (the ports are in it), 8 octets of its
     * payload (RFC 792). Anything else is dropped quietly (counted in {@code otherReceived}).
     */
    private void error(long now, Icmpv4Packet m) {
        Ipv4Packet q = quotedView;
        if (!q.checkQuoted(m.buffer(), m.dataOffset(), m.dataLength()) || q.fragmentOffset() != 0
                || q.payloadLength() < 8 || !ip.isLocalUnicast(q.source())) {
            return;
        }
        errorsDelivered++;
        int mtu = m.type() == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE && m.code() == FRAGMENTATION_NEEDED ? m.nextHopMtu() : 0;
        errorListener.error(now, m.type(), m.code(), mtu, q);
    }

    /** Where ICMP errors about our own datagrams go (replacing the previous listener). */
    public void onError(ErrorListener listener) {
        this.errorListener = Objects.requireNonNull(listener, "listener");
    }

    /** Error messages received (Destination Unreachable, Time Exceeded, Parameter Problem). */
    public long errorsReceived() {
        return errorsReceived;
    }

    /** Of {@link #errorsReceived}, those that quoted a datagram of ours and went to the {@link ErrorListener}. */
    public long errorsDelivered() {
        return errorsDelivered;
    }

    private void reply(long now, Ipv4Packet request, Icmpv4Packet m) {
        int n = m.length();
        ByteBuffer b = tx;
        b.clear();
        b.put(0, request.buffer(), m.offset(), n);
        b.put(Icmpv4Packet.TYPE, (byte) Icmpv4Packet.TYPE_ECHO_REPLY);
        b.put(Icmpv4Packet.CODE, (byte) 0);
        b.putShort(Icmpv4Packet.CHECKSUM, (short) 0);
        b.putShort(Icmpv4Packet.CHECKSUM, (short) InternetChecksum.of(b, 0, n));
        b.limit(n);
        if (ip.send(now, new Ipv4Address(request.destination()), new Ipv4Address(request.source()), Ipv4Packet.PROTOCOL_ICMP,
                TTL, Ipv4.Fragmentation.ALLOW, b) == Ipv4Engine.Outcome.SENT) {
            echoRepliesSent++;
        }
    }

    private void matchReply(long now, int source, Icmpv4Packet m) {
        int key = m.identifier() << 16 | m.sequence();
        for (int i = 0; i < OUTSTANDING; i++) {
            if (pingActive[i] && pingDestination[i] == source && pingKey[i] == key) {
                pingActive[i] = false;
                ByteBuffer data = m.buffer().duplicate().limit(m.dataOffset() + m.dataLength()).position(m.dataOffset());
                listener.reply(now, new Ipv4Address(source), m.identifier(), m.sequence(), data, now - pingSent[i]);
                return;
            }
        }
        unmatchedReplies++;
    }

    /**
     * Sends an Echo Request and remembers it for {@link #PING_TIMEOUT_NANOS} (at most 32 at a
     * time: the oldest is forgotten first).
     *
     * @param data position to limit; neither moved nor kept
     */
    public Ipv4Engine.Outcome ping(long now, Ipv4Address destination, int identifier, int sequence, ByteBuffer data) {
        Objects.checkIndex(identifier, 0x10000);
        Objects.checkIndex(sequence, 0x10000);
        int n = Icmpv4Packet.HEADER_LENGTH + data.remaining();
        if (n > tx.capacity()) {
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        ByteBuffer b = tx;
        b.clear();
        b.put(Icmpv4Packet.TYPE, (byte) Icmpv4Packet.TYPE_ECHO_REQUEST);
        b.put(Icmpv4Packet.CODE, (byte) 0);
        b.putShort(Icmpv4Packet.CHECKSUM, (short) 0);
        b.putShort(Icmpv4Packet.IDENTIFIER, (short) identifier);
        b.putShort(Icmpv4Packet.SEQUENCE, (short) sequence);
        b.put(Icmpv4Packet.HEADER_LENGTH, data, data.position(), data.remaining());
        b.putShort(Icmpv4Packet.CHECKSUM, (short) InternetChecksum.of(b, 0, n));
        b.limit(n);
        Ipv4Engine.Outcome o = ip.send(now, Ipv4Address.UNSPECIFIED, destination, Ipv4Packet.PROTOCOL_ICMP, TTL,
                Ipv4.Fragmentation.ALLOW, b);
        if (o == Ipv4Engine.Outcome.SENT) {
            echoRequestsSent++;
            int slot = 0;
            for (int i = 0; i < OUTSTANDING; i++) {
                if (!pingActive[i]) {
                    slot = i;
                    break;
                }
                if (pingSent[i] < pingSent[slot]) {
                    slot = i;
                }
            }
            pingActive[slot] = true;
            pingDestination[slot] = destination.bits();
            pingKey[slot] = identifier << 16 | sequence;
            pingSent[slot] = now;
        }
        return o;
    }

    /** When {@link #poll} has something to do: the first outstanding ping's timeout, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < OUTSTANDING; i++) {
            if (pingActive[i]) {
                next = Math.min(next, pingSent[i] + PING_TIMEOUT_NANOS);
            }
        }
        return next;
    }

    /** Forgets pings past their timeout; returns the next deadline, or {@code Long.MAX_VALUE}. */
    public long poll(long now) {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < OUTSTANDING; i++) {
            if (pingActive[i]) {
                long deadline = pingSent[i] + PING_TIMEOUT_NANOS;
                if (now - deadline >= 0) {
                    pingActive[i] = false;
                } else {
                    next = Math.min(next, deadline);
                }
            }
        }
        return next;
    }

    /**
     * Answers {@code offending}, a datagram delivered to a transport, with a Destination
     * Unreachable quoting its header and first 8 data octets (RFC 792). Sends nothing, as RFC
     * 1122 section 3.2.2 requires, if it was addressed to a broadcast or multicast address, came
     * from an address that is not unicast, is a non-initial fragment, or is itself an ICMP error;
     * nor when the token bucket is empty (counted as rate-limited).
     */
    public void destinationUnreachable(long now, Ipv4Packet offending, int code) {
        int src = offending.source();
        if (!ip.isLocalUnicast(offending.destination()) || src == 0 || src == -1 || (src >>> 28) == 0xe
                || (src >>> 24) == 127 || offending.fragmentOffset() != 0 || isIcmpError(offending)) {
            return;
        }
        if (!bucket.take(now)) {
            rateLimited++;
            return;
        }
        int hl = offending.headerLength();
        int quoted = hl + Math.min(8, offending.payloadLength());
        int n = Icmpv4Packet.HEADER_LENGTH + quoted;
        ByteBuffer b = tx;
        b.clear();
        b.put(Icmpv4Packet.TYPE, (byte) Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE);
        b.put(Icmpv4Packet.CODE, (byte) code);
        b.putShort(Icmpv4Packet.CHECKSUM, (short) 0);
        b.putInt(Icmpv4Packet.REST_OF_HEADER, 0);
        b.put(Icmpv4Packet.HEADER_LENGTH, offending.buffer(), offending.offset(), quoted);
        b.putShort(Icmpv4Packet.CHECKSUM, (short) InternetChecksum.of(b, 0, n));
        b.limit(n);
        if (ip.send(now, new Ipv4Address(offending.destination()), new Ipv4Address(src), Ipv4Packet.PROTOCOL_ICMP, TTL,
                Ipv4.Fragmentation.ALLOW, b) == Ipv4Engine.Outcome.SENT) {
            unreachableSent++;
        }
    }

    private static boolean isIcmpError(Ipv4Packet p) {
        if (p.protocol() != Ipv4Packet.PROTOCOL_ICMP) {
            return false;
        }
        if (p.payloadLength() < 1) {
            return true;
        }
        int type = p.buffer().get(p.payloadOffset()) & 0xff;
        return type != Icmpv4Packet.TYPE_ECHO_REQUEST && type != Icmpv4Packet.TYPE_ECHO_REPLY;
    }

    /** The counters of {@link Icmpv4#stats()}. */
    public Icmpv4.Stats stats() {
        return new Icmpv4.Stats(echoRequestsReceived, echoRepliesSent, echoRequestsSent, echoRepliesReceived,
                unreachableSent, rateLimited, otherReceived, malformed);
    }

    /** Echo Replies that matched no outstanding ping (also in {@code echoRepliesReceived}). */
    public long unmatchedReplies() {
        return unmatchedReplies;
    }
}
