package mirage.net.internal.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.ipv4.Ipv4Link;

/** A link that keeps a copy of every datagram sent, for the tests to read or pass on. */
public final class CapturingLink implements Ipv4Link {

    /**
     * One datagram handed to the link; {@code segmentSize} 0 unless sent for segmentation
     * offload, {@code inPlace} if it came at position 0 of the buffer the link lends.
     */
    public record Sent(long now, Ipv4Address nextHop, byte[] bytes, int segmentSize, boolean inPlace) {
        public Sent(long now, Ipv4Address nextHop, byte[] bytes) {
            this(now, nextHop, bytes, 0, false);
        }

        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }
    }

    private final int mtu;
    private final int maxSegmented;
    /** The buffer lent to the engine ({@link #transmitBuffer()}), or null. */
    private final ByteBuffer lent;
    public final List<Sent> sent = new ArrayList<>();

    public CapturingLink(int mtu) {
        this(mtu, 0);
    }

    /** A link with TCP segmentation offload for datagrams up to {@code maxSegmented} bytes (0: none). */
    public CapturingLink(int mtu, int maxSegmented) {
        this(mtu, maxSegmented, false);
    }

    /**
     * As {@link #CapturingLink(int, int)}; if {@code lend}, the link lends the engine a native
     * buffer to write its datagrams into, as the Ethernet link with segmentation offload does.
     */
    public CapturingLink(int mtu, int maxSegmented, boolean lend) {
        this.mtu = mtu;
        this.maxSegmented = maxSegmented;
        this.lent = lend ? ByteBuffer.allocateDirect(0xffff) : null;
    }

    @Override
    public ByteBuffer transmitBuffer() {
        return lent;
    }

    @Override
    public int maxSegmentedDatagram() {
        return maxSegmented;
    }

    @Override
    public void transmitSegmented(long now, Ipv4Address nextHop, ByteBuffer packet, int segmentSize) {
        if (maxSegmented == 0 || packet.remaining() > maxSegmented) {
            throw new AssertionError("segmented datagram of " + packet.remaining() + " bytes on a link taking " + maxSegmented);
        }
        byte[] copy = new byte[packet.remaining()];
        packet.duplicate().get(copy);
        sent.add(new Sent(now, nextHop, copy, segmentSize, lent != null && packet == lent && packet.position() == 0));
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
        byte[] copy = new byte[packet.remaining()];
        packet.duplicate().get(copy);
        sent.add(new Sent(now, nextHop, copy));
    }

    /** Returns and forgets what was sent. */
    public List<Sent> drain() {
        List<Sent> out = List.copyOf(sent);
        sent.clear();
        return out;
    }
}
