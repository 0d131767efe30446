package mirage.net.internal.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.ipv4.Ipv4Link;

/** A link that keeps a copy of every datagram sent, for the tests to read or pass on. */
public final class CapturingLink implements Ipv4Link {

    /** One datagram handed to the link; {@code segmentSize} 0 unless sent for segmentation offload. */
    public record Sent(long now, Ipv4Address nextHop, byte[] bytes, int segmentSize) {
        public Sent(long now, Ipv4Address nextHop, byte[] bytes) {
            this(now, nextHop, bytes, 0);
        }

        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }
    }

    private final int mtu;
    private final int maxSegmented;
    public final List<Sent> sent = new ArrayList<>();

    public CapturingLink(int mtu) {
        this(mtu, 0);
    }

    /** A link with TCP segmentation offload for datagrams up to {@code maxSegmented} bytes (0: none). */
    public CapturingLink(int mtu, int maxSegmented) {
        this.mtu = mtu;
        this.maxSegmented = maxSegmented;
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
        sent.add(new Sent(now, nextHop, copy, segmentSize));
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
