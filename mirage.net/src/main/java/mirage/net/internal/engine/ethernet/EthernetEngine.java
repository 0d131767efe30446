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
 * {@link #receive} checks a frame and returns it, for the caller (the stack's binding) to hand
 * its payload to the layer of its EtherType; the engine knows no layer above it. A frame is
 * dropped and counted ({@link Ethernet.Stats}) when it is malformed (shorter than a header, an
 * IEEE 802.3 length instead of a type, more tags than the wire layer parses), is unicast to
 * another station, or carries a VLAN tag other than one 802.1Q priority tag (VID 0, which IEEE
 * 802.1Q-2018 clause 9.6 makes "no VLAN": it is stripped and the frame delivered); a frame of a
 * type no layer takes is counted by the caller with {@link #unknownType()}. Nothing is thrown
 * for any bytes; nothing is allocated per frame (one view is reused).
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

    private final MacAddress mac;
    private final long macBits;
    private final int mtu;
    private final FrameSink sink;
    private final EthernetFrame view = new EthernetFrame();
    private final ByteBuffer tx;
    /** Frames for {@link #sendSegmented}; null until {@link #segmentation}. */
    private ByteBuffer largeTx;
    /** {@link #largeTx} behind the Ethernet header: {@link #segmentedPayloadBuffer()}; null until {@link #segmentation}. */
    private ByteBuffer largeTxPayload;
    private SegmentedFrameSink segmentedSink;
    /** Frames returned by {@link #receive}; those no layer took are in {@link #unknownType} too. */
    private long framesAccepted;
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

    /** As {@link #receive(long, ByteBuffer, int, int)} for the frame between position and limit of {@code frame}. */
    public EthernetFrame receive(long now, ByteBuffer frame) {
        return receive(now, frame, frame.position(), frame.remaining());
    }

    /**
     * Checks the frame at {@code [offset, offset + length)} of {@code buffer}, lent for the call.
     *
     * @return the frame, a checked view addressed to us, to broadcast or to a multicast group,
     *     untagged or priority-tagged: the engine's one view, valid (with its buffer) until the
     *     next {@code receive}; null if the frame was dropped and counted
     * @throws IndexOutOfBoundsException if the region lies outside the buffer (a caller's bug)
     */
    public EthernetFrame receive(long now, ByteBuffer buffer, int offset, int length) {
        if (!view.check(buffer, offset, length)) {
            malformed++;
            return null;
        }
        long destination = view.destination();
        if (destination != macBits && (destination & (1L << 40)) == 0) {
            notForUs++;
            return null;
        }
        if (view.tagCount() != 0
                && (view.tagCount() > 1 || view.tagProtocol(0) != EthernetFrame.TPID_CVLAN
                        || (view.tagControl(0) & 0xfff) != 0)) {
            vlanTagged++;
            return null;
        }
        framesAccepted++;
        return view;
    }

    /** Counts a frame {@link #receive} returned that no layer takes: its EtherType is not heard. */
    public void unknownType() {
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
        this.largeTxPayload = largeTx.slice(EthernetFrame.HEADER_LENGTH, maxFrame - EthernetFrame.HEADER_LENGTH);
    }

    /**
     * The part of the segmentation frame buffer behind its Ethernet header, for the layer above
     * to write a datagram into at index 0 and then pass to {@link #sendSegmented} at position
     * 0: that datagram is sent where it lies, without the copy {@code sendSegmented} otherwise
     * makes (of 64 KiB per super-segment). Owned by the engine: its content is valid until the
     * next {@code sendSegmented}, and callers must not change its position, limit or capacity
     * except around their own datagram. Null without {@link #segmentation}.
     */
    public ByteBuffer segmentedPayloadBuffer() {
        return largeTxPayload;
    }

    /** The longest IPv4 datagram {@link #sendSegmented} takes, or 0 without {@link #segmentation}. */
    public int maxSegmentedPayload() {
        return largeTx == null ? 0 : largeTx.capacity() - EthernetFrame.HEADER_LENGTH;
    }

    /**
     * Sends the TCP/IPv4 datagram between position and limit of {@code packet} (borrowed; not
     * moved) in one frame to {@code destination}, for the interface to cut into segments of
     * {@code segmentSize} payload bytes; a datagram at position 0 of
     * {@link #segmentedPayloadBuffer()} is not copied. Counted as one frame sent.
     *
     * @throws IllegalArgumentException if segmentation is off or the datagram exceeds {@link #maxSegmentedPayload()}
     */
    public void sendSegmented(long destination, ByteBuffer packet, int segmentSize) {
        sendSegmented(destination, packet, segmentSize, EthernetFrame.TYPE_IPV4);
    }

    /**
     * As {@link #sendSegmented(long, ByteBuffer, int)} for a packet of {@code etherType}
     * ({@link EthernetFrame#TYPE_IPV6} for a TCP/IPv6 packet, if the interface's offload takes
     * those).
     */
    public void sendSegmented(long destination, ByteBuffer packet, int segmentSize, int etherType) {
        int length = packet.remaining();
        if (length > maxSegmentedPayload()) {
            throw new IllegalArgumentException("datagram of " + length + " bytes exceeds the segmentation limit " + maxSegmentedPayload());
        }
        ByteBuffer out = largeTx;
        out.clear();
        writeHeader(out, 0, destination, macBits, etherType);
        if (packet != largeTxPayload || packet.position() != 0) { // else written in place
            out.put(EthernetFrame.HEADER_LENGTH, packet, packet.position(), length);
        }
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
        return new Ethernet.Stats(framesAccepted - unknownType, framesSent, notForUs, unknownType, vlanTagged, malformed);
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
