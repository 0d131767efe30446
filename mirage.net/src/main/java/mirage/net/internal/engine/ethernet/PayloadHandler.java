package mirage.net.internal.engine.ethernet;

import mirage.net.internal.wire.EthernetFrame;

/** An upper layer registered with an {@link EthernetEngine} for one EtherType. */
@FunctionalInterface
public interface PayloadHandler {
    /**
     * One received frame of the registered type, addressed to us, to broadcast or to a multicast
     * group. {@code frame} is a checked view, lent for the call only: its buffer, addresses and
     * payload region ({@link EthernetFrame#payloadOffset()}, {@link EthernetFrame#payloadLength()},
     * padding included) are valid until the call returns. Must not throw for any payload bytes.
     */
    void receive(long now, EthernetFrame frame);
}
