package mirage.net.internal.binding;

import mirage.net.MacAddress;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.engine.ipv6.Ipv6Link;
import mirage.net.internal.wire.EthernetFrame;

/**
 * The way down from IPv6: a packet whose next hop the IPv6 engine resolved (or a multicast
 * group's address) goes in one Ethernet frame of EtherType 0x86DD (RFC 2464). Loop thread only.
 */
final class EthernetIpv6Link implements Ipv6Link {
    private final EthernetEngine ethernet;
    /** Whether the interface's segmentation offload takes TCP/IPv6 frames. */
    private final boolean segmentation;

    /**
     * @param segmentation whether the Ethernet engine's segmentation offload (if it has one)
     *     takes TCP/IPv6 frames ({@link mirage.net.Netif.TcpSegmentation#ipv6()})
     */
    EthernetIpv6Link(EthernetEngine ethernet, boolean segmentation) {
        this.ethernet = ethernet;
        this.segmentation = segmentation;
    }

    @Override
    public int maxSegmentedPacket() {
        return segmentation ? ethernet.maxSegmentedPayload() : 0;
    }

    @Override
    public void transmitSegmented(MacAddress destination, java.nio.ByteBuffer packet, int segmentSize) {
        ethernet.sendSegmented(destination.bits(), packet, segmentSize, EthernetFrame.TYPE_IPV6);
    }

    @Override
    public int mtu() {
        return ethernet.mtu();
    }

    @Override
    public MacAddress mac() {
        return ethernet.mac();
    }

    @Override
    public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
        ethernet.startFrame(destination.bits(), EthernetFrame.TYPE_IPV6).put(EthernetFrame.HEADER_LENGTH, packet, offset, length);
        ethernet.sendFrame(length);
    }
}
