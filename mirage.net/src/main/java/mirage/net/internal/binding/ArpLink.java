package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.arp.ArpEngine;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.wire.TcpSegmenter;

/**
 * The way down from IPv4: datagrams to a next hop go to ARP, which sends them in a frame once
 * the hop resolves (queueing them until then); a TCP datagram for segmentation offload goes
 * straight to the Ethernet engine's offload path when the hop is resolved, else it is cut here
 * into segments that ARP can queue. Loop thread only, as the engines.
 */
final class ArpLink implements Ipv4Link {
    private final EthernetEngine ethernet;
    private final ArpEngine arp;
    private final int mtu;
    /** Cuts segmented datagrams whose next hop awaits ARP; made on first need. */
    private TcpSegmenter segmenter;

    ArpLink(EthernetEngine ethernet, ArpEngine arp, int mtu) {
        this.ethernet = ethernet;
        this.arp = arp;
        this.mtu = mtu;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
        arp.output(now, nextHop, packet);
    }

    /** The Ethernet engine's segmentation frame behind its header, if it has one: a super-segment is then written in place. */
    @Override
    public ByteBuffer transmitBuffer() {
        return ethernet.segmentedPayloadBuffer();
    }

    @Override
    public int maxSegmentedDatagram() {
        return ethernet.maxSegmentedPayload();
    }

    @Override
    public void transmitSegmented(long now, Ipv4Address nextHop, ByteBuffer packet, int segmentSize) {
        long mac = arp.resolve(now, nextHop.bits());
        if (mac != ArpEngine.UNRESOLVED) {
            ethernet.sendSegmented(mac, packet, segmentSize);
            return;
        }
        // ARP queues MTU-sized packets until the next hop resolves: cut the datagram here
        if (segmenter == null) {
            segmenter = new TcpSegmenter(TcpSegmenter.NONE, mtu);
        }
        segmenter.segment(packet, segmentSize, segment -> arp.output(now, nextHop, segment));
    }
}
