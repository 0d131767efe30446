package mirage.net;

import java.nio.ByteBuffer;

/**
 * The Ethernet II layer over a {@link Netif} (mirage's {@code Ethernet.S}): writes frames with
 * this interface's header and hands received payloads to one receiver per {@link EtherType}.
 *
 * <p>Input: frames addressed to {@link #mac()}, to the broadcast address or to a multicast
 * address are demultiplexed by type; an 802.1Q tag is parsed and, as this layer has no VLAN
 * interfaces, the frame is dropped and counted. Frames for another station, of an unheard type,
 * or malformed are dropped and counted in {@link Stats}, never thrown.
 *
 * <p>Ownership and threading as {@link Netif}: payloads to {@link #write} are borrowed for the
 * call; payloads handed to a {@link Receiver} are read-only views valid during the call, run on
 * the loop thread.
 */
public interface Ethernet {

    /** The interface's MAC address, the source of written frames. */
    MacAddress mac();

    /** The largest payload of one frame: the interface's {@link Netif#mtu()}. */
    int mtu();

    /**
     * Sends the remaining bytes of {@code payload} in one frame from {@link #mac()} to
     * {@code destination}; position and limit are not changed.
     *
     * @throws NetException {@code MESSAGE_TOO_LONG} if the payload exceeds {@link #mtu()};
     *     {@code DISCONNECTED} if the interface is closed
     */
    void write(MacAddress destination, EtherType type, ByteBuffer payload) throws NetException;

    /**
     * Makes {@code receiver} the receiver of payloads of frames of {@code type}, replacing any
     * previous one; for ARP or IPv4 it takes the frames from the stack's own layer.
     *
     * @throws IllegalArgumentException if {@code type} is {@link EtherType#VLAN}, which is a
     *     tag, not a payload type
     */
    void listen(EtherType type, Receiver receiver);

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /** Where the Ethernet layer delivers the payloads of one EtherType. */
    @FunctionalInterface
    interface Receiver {
        /**
         * Called on the event loop's thread with a received frame's addresses and its payload, a
         * read-only view valid only during the call. Must not block.
         */
        void receive(MacAddress source, MacAddress destination, ByteBuffer payload);
    }

    /**
     * Counters of the Ethernet layer; monotonic and non-negative.
     *
     * @param framesReceived frames whose payload was handed to a receiver
     * @param framesSent frames written
     * @param notForUs frames addressed to another unicast MAC, dropped
     * @param unknownType frames of a type no receiver listens to, dropped
     * @param vlanTagged frames with an 802.1Q tag, dropped (no VLAN interfaces)
     * @param malformed frames too short for their header, dropped
     */
    record Stats(long framesReceived, long framesSent, long notForUs, long unknownType, long vlanTagged, long malformed) {}
}
