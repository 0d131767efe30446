package mirage.net.internal.engine.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.wire.ArpPacket;
import mirage.net.internal.wire.ArpRepr;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.EthernetRepr;
import mirage.net.internal.wire.Parsed;

/**
 * One host under test: an Ethernet engine whose sent frames are recorded, an ARP engine on it,
 * and helpers that build input frames with the wire layer's records (not the engine's writer).
 */
final class ArpFixture {
    static final long SECOND = 1_000_000_000L;
    static final MacAddress US = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress PEER = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:03");
    static final Ipv4Address OUR_IP = Ipv4Address.parse("10.0.0.1");
    static final Ipv4Address PEER_IP = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address OTHER_IP = Ipv4Address.parse("10.0.0.3");

    final List<byte[]> sent = new ArrayList<>();
    final EthernetEngine ethernet;
    final ArpEngine arp;
    final List<byte[]> ipv4Received = new ArrayList<>();

    /** Our address already bound (announced without probing); the announcements are cleared. */
    static ArpFixture bound() {
        return bound(ArpConfig.DEFAULTS.withAddressStart(ArpConfig.AddressStart.ANNOUNCE));
    }

    static ArpFixture bound(ArpConfig config) {
        ArpFixture f = new ArpFixture(config.withAddressStart(ArpConfig.AddressStart.ANNOUNCE), 1);
        f.arp.addAddress(0, OUR_IP);
        f.arp.poll(0);
        f.arp.poll(ArpEngine.ANNOUNCE_INTERVAL_MS * 1_000_000);
        assertEquals(ArpEngine.ANNOUNCE_NUM, f.sent.size(), "announcements");
        f.sent.clear();
        return f;
    }

    ArpFixture(ArpConfig config, long seed) {
        ethernet = new EthernetEngine(US, 1500, frame -> {
            byte[] copy = new byte[frame.remaining()];
            frame.get(frame.position(), copy);
            sent.add(copy);
        });
        arp = new ArpEngine(ethernet, config, Rng.seeded(seed));
    }

    /** A whole Ethernet frame carrying {@code arp}, from {@code source} to {@code destination}. */
    static byte[] frame(MacAddress destination, MacAddress source, ArpRepr arp) {
        EthernetRepr header = EthernetRepr.of(destination, source, EthernetFrame.TYPE_ARP);
        ByteBuffer b = ByteBuffer.allocate(header.bufferLen() + arp.bufferLen());
        header.emit(b, 0);
        arp.emit(b, header.bufferLen());
        return b.array();
    }

    static byte[] request(MacAddress sha, Ipv4Address spa, Ipv4Address tpa) {
        return frame(MacAddress.BROADCAST, sha,
                new ArpRepr(ArpRepr.Operation.REQUEST, sha, spa, MacAddress.ZERO, tpa));
    }

    static byte[] reply(MacAddress sha, Ipv4Address spa, MacAddress tha, Ipv4Address tpa) {
        return frame(tha, sha, new ArpRepr(ArpRepr.Operation.REPLY, sha, spa, tha, tpa));
    }

    /** A frame from the link, as the stack's binding takes it: ARP to the engine, IPv4 recorded. */
    void receive(long now, byte[] frame) {
        EthernetFrame f = ethernet.receive(now, ByteBuffer.wrap(frame).asReadOnlyBuffer());
        if (f == null) {
            return;
        }
        switch (f.etherType()) {
            case EthernetFrame.TYPE_ARP -> arp.receive(now, f.buffer(), f.payloadOffset(), f.payloadLength());
            case EthernetFrame.TYPE_IPV4 -> {
                byte[] copy = new byte[f.payloadLength()];
                f.buffer().get(f.payloadOffset(), copy);
                ipv4Received.add(copy);
            }
            default -> ethernet.unknownType();
        }
    }

    /** The header and ARP packet of sent frame {@code i}, parsed by the wire layer. */
    Sent arpSent(int i) {
        ByteBuffer b = ByteBuffer.wrap(sent.get(i));
        EthernetFrame f = new EthernetFrame();
        assertTrue(f.check(b, 0, b.limit()), "sent frame " + i + " is Ethernet");
        EthernetRepr header = EthernetRepr.parse(f).orThrow();
        assertEquals(EthernetFrame.TYPE_ARP, header.etherType(), "sent frame " + i + " is ARP");
        ArpPacket p = new ArpPacket();
        assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()), "sent frame " + i + " ARP check");
        Parsed<ArpRepr> arp = ArpRepr.parse(p);
        return new Sent(header, arp.orThrow());
    }

    record Sent(EthernetRepr header, ArpRepr arp) {}

    /** An IPv4-ish payload of {@code length} bytes, each {@code tag}. */
    static ByteBuffer packet(int tag, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) tag);
        return ByteBuffer.wrap(b);
    }
}
