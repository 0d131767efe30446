package mirage.net.internal.engine.ethernet;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Ethernet;
import mirage.net.MacAddress;
import mirage.net.internal.wire.EthernetFrame;

/**
 * The Ethernet II layer as a sans-IO engine (RFC 894; IEEE 802.3 clause 3.2).
 *
 * <h2>Receive</h2>
 * {@link #receive} checks a frame and hands it to the {@link PayloadHandler} registered for its
 * EtherType. A frame is dropped and counted ({@link Ethernet.Stats}) when it is malformed (shorter
 * than a header, an IEEE 802.3 length instead of a type, more tags than the wire layer parses), is
 * unicast to another station, carries a VLAN tag other than one 802.1Q priority tag (VID 0, which
 * IEEE 802.1Q-2018 clause 9.6 makes "no VLAN": it is stripped and the frame delivered), or has a
 * type no handler is registered for. Nothing is thrown for any bytes; nothing is allocated per
 * frame (one view is reused).
 *
 * <h2>Send</h2>
 * {@link #startFrame} writes a header from {@link #mac()} into the engine's one transmit buffer
 * and returns it; the caller writes the payload at {@link EthernetFrame#HEADER_LENGTH} and calls
 * {@link #sendFrame}, which hands the frame to the {@link FrameSink}. {@link #send} does both for
 * a payload held elsewhere. The transmit buffer is valid until the next {@code startFrame}.
 *
 * <p>Not thread-safe: owned by the event loop, like every engine.
 */
public final class EthernetEngine {

    /** Most handlers: ARP, IPv4, IPv6 and a few more. */
    private static final int MAX_HANDLERS = 8;

    private final MacAddress mac;
    private final long macBits;
    private final int mtu;
    private final FrameSink sink;
    private final EthernetFrame view = new EthernetFrame();
    private final ByteBuffer tx;
    /** Frames for {@link #sendSegmented}; null until {@link #segmentation}. */
    private ByteBuffer largeTx;
    private SegmentedFrameSink segmentedSink;
    private final int[] types = new int[MAX_HANDLERS];
    private final PayloadHandler[] handlers = new PayloadHandler[MAX_HANDLERS];
    private int handlerCount;

    private long framesReceived;
    private long framesSent;
    private long notForUs;
    private long unknownType;
    private long vlanTagged;
    private long malformed;

    /**
     * @param mac our address, the source of sent frames and the unicast destination we accept
     * @param mtu the largest payload, as the interface's {@link mirage.net.Netif#mtu()}
     * @param sink where sent frames go
     * @throws IllegalArgumentException if {@code mac} is multicast or {@code mtu} is not 46..65535
     */
    public EthernetEngine(MacAddress mac, int mtu, FrameSink sink) {
        this.mac = Objects.requireNonNull(mac, "mac");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("an interface's MAC address must be unicast, got " + mac);
        }
        if (mtu < 46 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 46..65535, got " + mtu);
        }
        this.macBits = mac.bits();
        this.mtu = mtu;
        this.tx = ByteBuffer.allocate(EthernetFrame.HEADER_LENGTH + mtu);
    }

    public MacAddress mac() {
        return mac;
    }

    public int mtu() {
        return mtu;
    }

    /**
     * Makes {@code handler} the receiver of frames of {@code etherType}, replacing any previous one.
     *
     * @throws IllegalArgumentException if the type is below 0x0600, above 0xffff or a VLAN TPID,
     *     or if {@value #MAX_HANDLERS} other types are already registered
     */
    public void register(int etherType, PayloadHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (etherType < EthernetFrame.MIN_ETHER_TYPE || etherType > 0xffff
                || etherType == EthernetFrame.TPID_CVLAN || etherType == EthernetFrame.TPID_SVLAN) {
            throw new IllegalArgumentException(String.format("not a payload EtherType: 0x%04x", etherType));
        }
        for (int i = 0; i < handlerCount; i++) {
            if (types[i] == etherType) {
                handlers[i] = handler;
                return;
            }
        }
        if (handlerCount == MAX_HANDLERS) {
            throw new IllegalArgumentException("at most " + MAX_HANDLERS + " EtherTypes can be registered");
        }
        types[handlerCount] = etherType;
        handlers[handlerCount++] = handler;
    }

    /** Receives the frame between position and limit of {@code frame}; both are left alone. */
    public void receive(long now, ByteBuffer frame) {
        receive(now, frame, frame.position(), frame.remaining());
    }

    /**
     * Receives the frame at {@code [offset, offset + length)} of {@code buffer}, lent for the call.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer (a caller's bug)
     */
    public void receive(long now, ByteBuffer buffer, int offset, int length) {
        if (!view.check(buffer, offset, length)) {
            malformed++;
            return;
        }
        long destination = view.destination();
        if (destination != macBits && (destination & (1L << 40)) == 0) {
            notForUs++;
            return;
        }
        if (view.tagCount() != 0
                && (view.tagCount() > 1 || view.tagProtocol(0) != EthernetFrame.TPID_CVLAN
                        || (view.tagControl(0) & 0xfff) != 0)) {
            vlanTagged++;
            return;
        }
        int type = view.etherType();
        for (int i = 0; i < handlerCount; i++) {
            if (types[i] == type) {
                framesReceived++;
                handlers[i].receive(now, view);
                return;
            }
        }
        unknownType++;
    }

    /**
     * The transmit buffer, position 0 and limit its capacity ({@code 14 + mtu}), with a header
     * from us to {@code destination} of {@code etherType} written in its first 14 bytes. Valid
     * until the next call; finish with {@link #sendFrame}.
     */
    public ByteBuffer startFrame(long destination, int etherType) {
        tx.clear();
        writeHeader(tx, 0, destination, macBits, etherType);
        return tx;
    }

    /**
     * Sends the frame begun by {@link #startFrame}: its header and {@code payloadLength} bytes.
     *
     * @throws IllegalArgumentException if {@code payloadLength} is negative or above the MTU
     */
    public void sendFrame(int payloadLength) {
        if (payloadLength < 0 || payloadLength > mtu) {
            throw new IllegalArgumentException("payload length must be 0.." + mtu + ", got " + payloadLength);
        }
        tx.limit(EthernetFrame.HEADER_LENGTH + payloadLength).position(0);
        framesSent++;
        sink.transmit(tx);
    }

    /**
     * Sends the remaining bytes of {@code payload} (borrowed for the call; position and limit are
     * left alone) in one frame to {@code destination}.
     *
     * @throws IllegalArgumentException if the payload is longer than the MTU
     */
    public void send(long destination, int etherType, ByteBuffer payload) {
        int length = payload.remaining();
        if (length > mtu) {
            throw new IllegalArgumentException("payload of " + length + " bytes exceeds the MTU " + mtu);
        }
        ByteBuffer out = startFrame(destination, etherType);
        out.put(EthernetFrame.HEADER_LENGTH, payload, payload.position(), length);
        sendFrame(length);
    }

    /**
     * Lets {@link #sendSegmented} hand frames of up to {@code maxFrame} bytes to {@code sink}:
     * the interface takes TCP segmentation offload ({@link mirage.net.Netif.TcpSegmentation}).
     *
     * @throws IllegalArgumentException if {@code maxFrame} is not above {@code 14 + mtu} or above {@code 14 + 65535}
     */
    public void segmentation(int maxFrame, SegmentedFrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (maxFrame <= EthernetFrame.HEADER_LENGTH + mtu || maxFrame > EthernetFrame.HEADER_LENGTH + 0xffff) {
            throw new IllegalArgumentException("a segmentation frame limit is " + (EthernetFrame.HEADER_LENGTH + mtu + 1)
                    + ".." + (EthernetFrame.HEADER_LENGTH + 0xffff) + ", got " + maxFrame);
        }
        this.segmentedSink = sink;
        this.largeTx = ByteBuffer.allocateDirect(maxFrame);
    }

    /** The longest IPv4 datagram {@link #sendSegmented} takes, or 0 without {@link #segmentation}. */
    public int maxSegmentedPayload() {
        return largeTx == null ? 0 : largeTx.capacity() - EthernetFrame.HEADER_LENGTH;
    }

    /**
     * Sends the TCP/IPv4 datagram between position and limit of {@code packet} (borrowed; not
     * moved) in one frame to {@code destination}, for the interface to cut into segments of
     * {@code segmentSize} payload bytes. Counted as one frame sent.
     *
     * @throws IllegalArgumentException if segmentation is off or the datagram exceeds {@link #maxSegmentedPayload()}
     */
    public void sendSegmented(long destination, ByteBuffer packet, int segmentSize) {
        int length = packet.remaining();
        if (length > maxSegmentedPayload()) {
            throw new IllegalArgumentException("datagram of " + length + " bytes exceeds the segmentation limit " + maxSegmentedPayload());
        }
        ByteBuffer out = largeTx;
        out.clear();
        writeHeader(out, 0, destination, macBits, EthernetFrame.TYPE_IPV4);
        out.put(EthernetFrame.HEADER_LENGTH, packet, packet.position(), length);
        out.limit(EthernetFrame.HEADER_LENGTH + length).position(0);
        framesSent++;
        segmentedSink.transmit(out, segmentSize);
    }

    /** Where {@link #sendSegmented} puts frames: the interface's {@link mirage.net.Netif.TcpSegmentation}. */
    @FunctionalInterface
    public interface SegmentedFrameSink {
        /** As {@link FrameSink#transmit}, for a frame to be cut into segments of {@code segmentSize} payload bytes. */
        void transmit(ByteBuffer frame, int segmentSize);
    }

    /** The counters since the engine was built. */
    public Ethernet.Stats stats() {
        return new Ethernet.Stats(framesReceived, framesSent, notForUs, unknownType, vlanTagged, malformed);
    }

    /** Writes an untagged header at absolute {@code offset}; position and limit are left alone. */
    static void writeHeader(ByteBuffer buffer, int offset, long destination, long source, int etherType) {
        for (int i = 0; i < 6; i++) {
            buffer.put(offset + EthernetFrame.DESTINATION + i, (byte) (destination >>> (40 - 8 * i)));
            buffer.put(offset + EthernetFrame.SOURCE + i, (byte) (source >>> (40 - 8 * i)));
        }
        buffer.put(offset + EthernetFrame.TYPE, (byte) (etherType >>> 8));
        buffer.put(offset + EthernetFrame.TYPE + 1, (byte) etherType);
    }
}
