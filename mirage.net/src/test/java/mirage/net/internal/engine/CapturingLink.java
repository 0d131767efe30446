package mirage.net.internal.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.ipv4.Ipv4Link;

/** A link that keeps a copy of every datagram sent, for the tests to read or pass on. */
public final class CapturingLink implements Ipv4Link {

    /** One datagram handed to the link. */
    public record Sent(long now, Ipv4Address nextHop, byte[] bytes) {
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }
    }

    private final int mtu;
    public final List<Sent> sent = new ArrayList<>();

    public CapturingLink(int mtu) {
        this.mtu = mtu;
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
