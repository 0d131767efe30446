package mirage.net.internal.engine.ipv4;

import mirage.net.internal.wire.Ipv4Packet;

/** A transport above IPv4 (ICMP, UDP, TCP), registered with {@link Ipv4Engine#register}. */
@FunctionalInterface
public interface Ipv4Receiver {

    /**
     * A datagram addressed to this host, header checked and reassembled if it was fragmented.
     *
     * @param datagram a checked view: header at {@code offset()}, payload at {@code payloadOffset()};
     *     the engine owns it and its buffer, valid only during the call
     */
    void receive(long now, Ipv4Packet datagram);
}
