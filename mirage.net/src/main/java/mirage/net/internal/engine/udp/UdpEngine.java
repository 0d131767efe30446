package mirage.net.internal.engine.udp;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.IpAddress;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.Udp;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.UdpPacket;

/**
 * UDP over IPv4 and IPv6 (RFC 768, RFC 1122 section 4.1, RFC 8200 section 8), sans-IO above an
 * {@link Ipv4Engine} and, for a dual stack, an {@link Ipv6Engine}: a listener per port, for both
 * families; received datagrams with a bad length or a checksum that is present and fails are
 * dropped and counted; for a datagram to a port nobody listens on, {@link #receive} says so,
 * and the caller answers with an ICMP Port Unreachable (RFC 1122 section 4.1.3.1).
 * Sent datagrams always carry a checksum over the pseudo-header (a computed zero goes as 0xFFFF);
 * over IPv6 a datagram must fit the link MTU (no fragmentation yet).
 * Ephemeral ports (RFC 6335 section 6: 49152-65535) are drawn from the {@link Rng}, as RFC 6056
 * advises against predictable ones.
 *
 * <p>Not thread-safe: owned by one event loop.
 */
public final class UdpEngine {

    /** The first port of the dynamic range (RFC 6335 section 6). */
    public static final int EPHEMERAL_FIRST = 49152;

    private static final int TTL = 64;

    /** What became of a datagram given to {@link #receive}. */
    public enum Delivery {
        /** Handed to the listener of its port. */
        DELIVERED,
        /** Nobody listens on its port (counted): the caller answers with ICMP Port Unreachable. */
        NO_LISTENER,
        /** Malformed or with a checksum that fails: dropped and counted. */
        DROPPED
    }

    /** A listener on a port. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param payload position to limit; the engine owns it, valid only during the call
         */
        void receive(long now, IpAddress source, int sourcePort, IpAddress destination, ByteBuffer payload);
    }

    private final Ipv4Engine ip;
    /** IPv6, or null for a stack of IPv4 only. */
    private final Ipv6Engine ip6;
    private final Rng rng;
    private final Receiver[] listeners = new Receiver[0x10000];
    private final UdpPacket view = new UdpPacket();
    private final ByteBuffer tx = ByteBuffer.allocate(UdpPacket.HEADER_LENGTH + Udp.MAX_IPV4_PAYLOAD);
    private ByteBuffer rxBuffer;
    private ByteBuffer rxSlice;
    private Ipv4Address lastSource;
    private Ipv6Address lastSource6;

    private long datagramsReceived;
    private long datagramsSent;
    private long noPort;
    private long checksumErrors;
    private long malformed;
    private long receiverFailures;

    /** An engine that sends through {@code ip} and draws ephemeral ports from {@code rng}. */
    public UdpEngine(Ipv4Engine ip, Rng rng) {
        this(ip, null, rng);
    }

    /**
     * An engine of both families: IPv4 through {@code ip}, IPv6 through {@code ip6} (null: none).
     * A port listened on takes datagrams of both.
     */
    public UdpEngine(Ipv4Engine ip, Ipv6Engine ip6, Rng rng) {
        this.ip6 = ip6;
        this.ip = Objects.requireNonNull(ip, "ip");
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * Listens on {@code port}.
     *
     * @return false if the port is taken (unlisten it first)
     * @throws IllegalArgumentException if the port is outside 1-65535
     */
    public boolean listen(int port, Receiver receiver) {
        checkPort(port);
        Objects.requireNonNull(receiver, "receiver");
        if (listeners[port] != null) {
            return false;
        }
        listeners[port] = receiver;
        return true;
    }

    /** Stops listening on {@code port}; nothing if nobody listens. */
    public void unlisten(int port) {
        checkPort(port);
        listeners[port] = null;
    }

    /**
     * Listens on a free ephemeral port drawn at random.
     *
     * @return the port, or -1 if 64 draws found none free
     */
    public int listenEphemeral(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        int port = ephemeralPort();
        if (port > 0) {
            listeners[port] = receiver;
        }
        return port;
    }

    /** A free ephemeral port drawn at random, or -1 if 64 draws found none. */
    public int ephemeralPort() {
        for (int i = 0; i < 64; i++) {
            int port = EPHEMERAL_FIRST + rng.nextInt(0x10000 - EPHEMERAL_FIRST);
            if (listeners[port] == null) {
                return port;
            }
        }
        return -1;
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a UDP port is 1-65535, got " + port);
        }
    }

    /**
     * Receives a UDP datagram: the payload of {@code datagram}, a checked view lent for the call
     * (what {@link Ipv4Engine#receive} returned), handed to its port's listener. A listener that
     * throws is counted; nothing is thrown for any bytes.
     *
     * @return what became of it; {@link Delivery#NO_LISTENER} asks the caller for a Port Unreachable
     */
    public Delivery receive(long now, Ipv4Packet datagram) {
        UdpPacket u = view;
        if (!u.check(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength())) {
            malformed++;
            return Delivery.DROPPED;
        }
        if (!u.checksumVerifies(datagram.source(), datagram.destination())) {
            checksumErrors++;
            return Delivery.DROPPED;
        }
        datagramsReceived++;
        int port = u.destinationPort();
        Receiver r = listeners[port];
        if (r == null) {
            noPort++;
            return Delivery.NO_LISTENER;
        }
        ByteBuffer payload = slice(datagram.buffer(), u.payloadOffset(), u.payloadLength());
        try {
            r.receive(now, source(datagram.source()), u.sourcePort(), ip.address(datagram.destination()), payload);
        } catch (RuntimeException e) {
            receiverFailures++;
        }
        return Delivery.DELIVERED;
    }

    /** The peer's address, reused while datagrams keep coming from the same one. */
    /**
     * Receives a datagram over IPv6: {@code [offset, offset + length)} of {@code packet}'s buffer,
     * after its extension headers. A zero checksum is refused (RFC 8200 section 8.1).
     *
     * @return as {@link #receive(long, Ipv4Packet)}; for {@code NO_LISTENER} the caller answers
     *     with Port Unreachable
     * @throws IllegalStateException if the engine has no IPv6 (a binding's bug)
     */
    public Delivery receive(long now, Ipv6Packet packet, int offset, int length) {
        if (ip6 == null) {
            throw new IllegalStateException("this UDP engine has no IPv6");
        }
        UdpPacket u = view;
        if (!u.check(packet.buffer(), offset, length)) {
            malformed++;
            return Delivery.DROPPED;
        }
        if (u.checksum() == 0 || !u.checksumVerifies(packet)) {
            checksumErrors++;
            return Delivery.DROPPED;
        }
        datagramsReceived++;
        Receiver r = listeners[u.destinationPort()];
        if (r == null) {
            noPort++;
            return Delivery.NO_LISTENER;
        }
        ByteBuffer payload = slice(packet.buffer(), u.payloadOffset(), u.payloadLength());
        Ipv6Address source = lastSource6;
        if (source == null || source.high() != packet.sourceHigh() || source.low() != packet.sourceLow()) {
            source = new Ipv6Address(packet.sourceHigh(), packet.sourceLow());
            lastSource6 = source;
        }
        try {
            r.receive(now, source, u.sourcePort(), ip6.address(packet.destinationHigh(), packet.destinationLow()), payload);
        } catch (RuntimeException e) {
            receiverFailures++;
        }
        return Delivery.DELIVERED;
    }

    private Ipv4Address source(int bits) {
        Ipv4Address last = lastSource;
        if (last == null || last.bits() != bits) {
            last = new Ipv4Address(bits);
            lastSource = last;
        }
        return last;
    }

    /** A reusable view of the receive buffer: re-made only when the buffer changes. */
    private ByteBuffer slice(ByteBuffer buffer, int offset, int length) {
        if (buffer != rxBuffer) {
            rxBuffer = buffer;
            rxSlice = buffer.duplicate();
        }
        return rxSlice.clear().limit(offset + length).position(offset);
    }

    /**
     * Sends {@code payload} (position to limit; neither moved nor kept) from {@code sourcePort}
     * (0 for a fresh ephemeral port) to {@code destination:destinationPort}.
     */
    public Ipv4Engine.Outcome send(long now, int sourcePort, IpAddress destination, int destinationPort,
            ByteBuffer payload) {
        if (sourcePort < 0 || sourcePort > 0xffff || destinationPort < 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("UDP ports are 0-65535: " + sourcePort + ", " + destinationPort);
        }
        return switch (destination) {
            case Ipv4Address v4 -> send4(now, sourcePort, v4, destinationPort, payload);
            case Ipv6Address v6 -> send6(now, sourcePort, v6, destinationPort, payload);
        };
    }

    private Ipv4Engine.Outcome send6(long now, int sourcePort, Ipv6Address destination, int destinationPort,
            ByteBuffer payload) {
        if (ip6 == null) {
            return Ipv4Engine.Outcome.NO_ROUTE;
        }
        int n = payload.remaining();
        if (UdpPacket.HEADER_LENGTH + n > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG; // larger ones the IPv6 engine fragments to the path MTU
        }
        Ipv6Address source = ip6.source(destination);
        if (source == null) {
            return Ipv4Engine.Outcome.NO_ROUTE;
        }
        if (sourcePort == 0) {
            sourcePort = Math.max(ephemeralPort(), EPHEMERAL_FIRST);
        }
        int len = UdpPacket.HEADER_LENGTH + n;
        ByteBuffer b = ip6.transmitBuffer();
        int at = Ipv6Packet.HEADER_LENGTH;
        b.putShort(at + UdpPacket.SOURCE_PORT, (short) sourcePort);
        b.putShort(at + UdpPacket.DESTINATION_PORT, (short) destinationPort);
        b.putShort(at + UdpPacket.LENGTH, (short) len);
        b.putShort(at + UdpPacket.CHECKSUM, (short) 0);
        b.put(at + UdpPacket.HEADER_LENGTH, payload, payload.position(), n);
        long sum = InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_UDP, len);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, b, at, len));
        b.putShort(at + UdpPacket.CHECKSUM, (short) (checksum == 0 ? 0xffff : checksum)); // never zero over IPv6
        Ipv4Engine.Outcome o = ip6.sendPrepared(now, source, destination, Ipv6Packet.NEXT_HEADER_UDP, len);
        if (o == Ipv4Engine.Outcome.SENT) {
            datagramsSent++;
        }
        return o;
    }

    private Ipv4Engine.Outcome send4(long now, int sourcePort, Ipv4Address destination, int destinationPort,
            ByteBuffer payload) {
        int n = payload.remaining();
        if (n > Udp.MAX_IPV4_PAYLOAD) {
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        Ipv4Address source = ip.source(destination);
        if (source == null) {
            return Ipv4Engine.Outcome.NO_ROUTE;
        }
        if (sourcePort == 0) {
            sourcePort = Math.max(ephemeralPort(), EPHEMERAL_FIRST);
        }
        int len = UdpPacket.HEADER_LENGTH + n;
        ByteBuffer b = tx;
        b.clear();
        b.putShort(UdpPacket.SOURCE_PORT, (short) sourcePort);
        b.putShort(UdpPacket.DESTINATION_PORT, (short) destinationPort);
        b.putShort(UdpPacket.LENGTH, (short) len);
        b.putShort(UdpPacket.CHECKSUM, (short) 0);
        b.put(UdpPacket.HEADER_LENGTH, payload, payload.position(), n);
        long sum = InternetChecksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_UDP, len);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, b, 0, len));
        // RFC 768: "If the computed checksum is zero, it is transmitted as all ones".
        b.putShort(UdpPacket.CHECKSUM, (short) (checksum == 0 ? 0xffff : checksum));
        b.limit(len);
        Ipv4Engine.Outcome o = ip.send(now, source, destination, Ipv4Packet.PROTOCOL_UDP, TTL, Ipv4.Fragmentation.ALLOW, b);
        if (o == Ipv4Engine.Outcome.SENT) {
            datagramsSent++;
        }
        return o;
    }

    /** The counters of {@link Udp#stats()}. */
    public Udp.Stats stats() {
        return new Udp.Stats(datagramsReceived, datagramsSent, noPort, checksumErrors, malformed, receiverFailures);
    }
}
