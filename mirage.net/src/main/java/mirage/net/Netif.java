package mirage.net;

import java.nio.ByteBuffer;

/**
 * A network interface: a device that sends and receives whole Ethernet frames (mirage-net's
 * {@code Mirage_net.S}). Implementations are bindings (DESIGN.md §3): a TAP device, a
 * framed-stream socket, a Xen netfront, a port of a simulated switch, or a wrapper such as a
 * pcap tap. The protocol layers above never see the device, only this interface.
 *
 * <h2>Frames</h2>
 * A frame is a destination MAC, a source MAC, an EtherType (or an 802.1Q tag and then one) and
 * the payload: no preamble, no frame check sequence. Its length is at least
 * {@value #HEADER_LENGTH} and at most {@link #mtu()} + {@value #HEADER_LENGTH}, or + 18 with
 * one VLAN tag. The interface pads short frames to the medium's minimum if the medium needs it.
 *
 * <h2>Receiving</h2>
 * Received frames are pushed, on the event loop's thread, to the one {@link FrameReceiver}
 * given to {@link #listen}; before that, frames are dropped and counted in
 * {@link Stats#rxDropped()}. The interface decides when to read its device (when the loop
 * reports it ready, or when a simulated link delivers) and delivers a bounded number of frames
 * per loop turn, so that timers and other devices are not starved.
 *
 * <h2>Buffer ownership</h2>
 * The frame passed to {@link #send} is borrowed for the call: the bytes between its position
 * and limit are the frame; they are copied or transmitted before the call returns; position and
 * limit are not changed and no reference is kept. The frame passed to a {@link FrameReceiver}
 * is a read-only view lent for the duration of the call: the interface reuses its memory
 * afterwards, so a receiver that keeps bytes copies them.
 *
 * <h2>Threading</h2>
 * As every object of {@code mirage.net} (see the package comment): methods may be called from
 * any thread (on the loop thread they run at once; from another thread they are handed to the
 * loop and the caller blocks until the loop has run them); receivers run on the loop thread and
 * must not block.
 *
 * <h2>Errors</h2>
 * {@link #send} throws {@link NetException} with {@link NetException.Reason#DISCONNECTED} once
 * the interface is closed or its device failed for good, and
 * {@link NetException.Reason#MESSAGE_TOO_LONG} for a frame longer than the MTU allows. A frame
 * the device cannot take now (a full transmit ring) is dropped and counted in
 * {@link Stats#txDropped()}, as a NIC drops it: frames are datagrams. Frames received malformed
 * (shorter than {@value #HEADER_LENGTH} bytes, longer than the medium carries) are dropped and
 * counted in {@link Stats#rxErrors()}, never thrown. The MTU bounds what this side sends; a
 * medium may carry more (a framed stream to passt takes frames up to 64 KiB).
 */
public interface Netif extends AutoCloseable {

    /** Length of an Ethernet II header without VLAN tag: two MAC addresses and the type. */
    int HEADER_LENGTH = 14;

    /** The interface's own MAC address, the source of the frames the stack sends. */
    MacAddress mac();

    /**
     * The largest payload of a frame this interface carries, header excluded (mirage's
     * {@code mtu}); 1500 on most Ethernet media.
     */
    int mtu();

    /**
     * Sends one frame (see the class comment for its layout, ownership and errors).
     *
     * @throws NetException if the interface is closed or failed ({@code DISCONNECTED}), or the
     *     frame is longer than the MTU allows ({@code MESSAGE_TOO_LONG})
     * @throws IllegalArgumentException if fewer than {@value #HEADER_LENGTH} bytes remain
     */
    void send(ByteBuffer frame) throws NetException;

    /**
     * Makes {@code receiver} the one receiver of incoming frames, replacing any previous one.
     * The stack's Ethernet layer calls this once; a user of a bare interface calls it to see
     * frames.
     */
    void listen(FrameReceiver receiver);

    /** The counters since the interface was opened; a consistent snapshot. */
    Stats stats();

    /**
     * Stops receiving and releases the device. Idempotent; never throws. Later sends throw
     * {@code DISCONNECTED}; a receiver running on the loop finishes its call.
     */
    @Override
    void close();

    /**
     * {@code netif}, recording every frame it sends and receives to a new pcap file at
     * {@code file} (nanosecond timestamps read from {@code clock}; Ethernet link type; read by
     * tcpdump, tshark and Wireshark). The file is written as frames pass, in 64 KiB blocks, and
     * completed when the returned interface is closed. If writing fails (a full disk), recording
     * stops and the interface goes on.
     *
     * @throws java.io.IOException if the file cannot be created
     */
    static Netif capture(Netif netif, java.nio.file.Path file, java.time.InstantSource clock)
            throws java.io.IOException {
        java.util.Objects.requireNonNull(netif, "netif");
        java.util.Objects.requireNonNull(clock, "clock");
        mirage.net.internal.pcap.PcapWriter writer = mirage.net.internal.pcap.PcapWriter.create(file,
                mirage.net.internal.pcap.PcapWriter.DEFAULT_SNAPLEN, mirage.net.internal.pcap.PcapWriter.Flush.WHEN_FULL);
        return new mirage.net.internal.pcap.CaptureNetif(netif, writer, () -> {
            java.time.Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
    }

    /**
     * This interface's TCP segmentation offload, if it has one (a TAP opened with Linux's
     * {@code virtio_net_hdr}); empty by default, and for every interface that sends frames as
     * they are. A stack that finds one may hand it TCP/IPv4 frames (and TCP/IPv6 ones if
     * {@link TcpSegmentation#ipv6()}) larger than the MTU, each of which leaves the device as
     * MTU-sized segments. A wrapper (such as {@link #capture}) offers
     * it only if it can honour it.
     */
    default java.util.Optional<TcpSegmentation> tcpSegmentation() {
        return java.util.Optional.empty();
    }

    /**
     * TCP segmentation offload (TSO/GSO, Linux's {@code VIRTIO_NET_HDR_GSO_TCPV4} with
     * {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}): the device, or the kernel behind it, cuts one large
     * TCP/IPv4 frame into segments and completes each one's TCP checksum, so that a stack pays
     * once per 64 KiB what it would pay per segment.
     *
     * <h2>The frame</h2>
     * An untagged Ethernet II header of type IPv4; an IPv4 header (any IHL) of an unfragmented
     * datagram of protocol 6 whose total length is the frame's length less the Ethernet header,
     * with a valid header checksum; a TCP header (any data offset) whose checksum field holds the
     * 16-bit ones'-complement sum of the pseudo-header (both addresses, protocol 6, and the TCP
     * length of the whole datagram), folded and <em>not</em> complemented; then the payload.
     * The segments are what RFC 9293 would have the sender send: {@code segmentSize} payload
     * bytes each (the last may be shorter), the TCP header copied with the sequence number
     * advanced, PSH and FIN on the last segment only and CWR on the first only, the IPv4
     * Identification incremented from one segment to the next, lengths and both checksums
     * complete (as Linux's {@code tcp_gso_segment} does). A stack sending such a frame should
     * count that many Identification values as used. The frame is borrowed as for {@link #send}.
     *
     * <p>Over IPv6 ({@code VIRTIO_NET_HDR_GSO_TCPV6}, only if {@link #ipv6()}): an Ethernet II
     * header of type IPv6, a fixed IPv6 header whose Next Header is TCP (no extension header) and
     * whose Payload Length is the frame's length less 54, the TCP header with its checksum field
     * seeded as above from the IPv6 pseudo-header (RFC 8200 section 8.1), then the payload; each
     * segment gets its Payload Length and complete checksum, and the rest as above.
     */
    interface TcpSegmentation {
        /**
         * Whether {@link #send} takes TCP/IPv6 frames too; false by default (TCP/IPv4 only),
         * and then a stack sends IPv6 segment by segment.
         */
        default boolean ipv6() {
            return false;
        }

        /** The longest frame {@link #send} takes, header included; at most 14 + 65,535. */
        int maxFrame();

        /**
         * Sends {@code frame} as segments of {@code segmentSize} payload bytes (see the
         * interface comment). A frame with at most {@code segmentSize} payload bytes is sent as
         * one segment, its checksum completed.
         *
         * @throws NetException as {@link Netif#send}: {@code DISCONNECTED}, or
         *     {@code MESSAGE_TOO_LONG} for a frame longer than {@link #maxFrame()}
         * @throws IllegalArgumentException if the frame is not a TCP/IPv4 (or, if {@link #ipv6()},
         *     TCP/IPv6) frame as described,
         *     or {@code segmentSize} is below 1 or any segment would exceed the MTU
         */
        void send(ByteBuffer frame, int segmentSize) throws NetException;
    }

    /** Where an interface delivers received frames. */
    @FunctionalInterface
    interface FrameReceiver {
        /**
         * Called on the event loop's thread with one received frame, a read-only view of
         * position to limit valid only during the call. Must not block. An exception thrown here
         * is counted in {@link Stats#rxDropped()} and reported by the loop; the interface goes on.
         */
        void receive(ByteBuffer frame);
    }

    /**
     * Counters of an interface since it was opened (mirage-net's {@code stats}, with drops and
     * errors). All are monotonic and non-negative; bytes count whole frames without FCS.
     *
     * @param rxFrames frames received and handed to the receiver
     * @param rxBytes bytes of those frames
     * @param rxDropped well-formed frames not handed on: no receiver yet, the receiver threw, or
     *     the interface's receive queue overflowed
     * @param rxErrors malformed frames dropped (too short, too long) and device receive errors
     * @param txFrames frames handed to the device
     * @param txBytes bytes of those frames
     * @param txDropped frames dropped because the device could not take them (queue full)
     * @param txErrors frames the device reported failing to send
     */
    record Stats(
            long rxFrames, long rxBytes, long rxDropped, long rxErrors,
            long txFrames, long txBytes, long txDropped, long txErrors) {}
}
