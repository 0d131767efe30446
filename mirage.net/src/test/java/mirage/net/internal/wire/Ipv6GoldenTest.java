package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * The frames Linux sent (see {@link Ipv6Capture}): every field tshark decodes, our views and
 * records decode to the same value; every record re-emits the bytes it came from; and the
 * verdicts the kernel acted on (its Parameter Problem pointer) are the ones our chain gives.
 */
class Ipv6GoldenTest {
    static final Ipv6Address A_GLOBAL = Ipv6Address.parse("2001:db8:6::1");
    static final Ipv6Address B_GLOBAL = Ipv6Address.parse("2001:db8:6::ff:fe00:602");
    static final MacAddress A_MAC = MacAddress.parse("02:00:00:00:06:01");

    /** A frame decoded by our wire layer. */
    record Decoded(EthernetRepr ethernet, Ipv6Repr ip, Ipv6Packet view, Ipv6HeaderChain chain, Icmpv6Repr icmp) {}

    @Test
    void theCaptureWasDecodedByTheTsharkWeExpect() {
        assertTrue(Ipv6Capture.tsharkVersion().startsWith("# TShark (Wireshark) "), Ipv6Capture.tsharkVersion());
        assertEquals(Ipv6Capture.frames().size(), Ipv6Capture.decoded().size());
    }

    @Test
    void everyFieldAsTsharkDecodesIt() {
        List<byte[]> frames = Ipv6Capture.frames();
        List<Map<String, String>> tshark = Ipv6Capture.decoded();
        for (int i = 0; i < frames.size(); i++) {
            Map<String, String> expected = tshark.get(i);
            Map<String, String> ours = fields(frames.get(i), expected.keySet());
            ours.put("frame.number", expected.get("frame.number"));
            assertEquals(expected, ours, "frame " + (i + 1));
        }
    }

    @Test
    void everyRecordReEmitsTheCapturedBytes() {
        int icmp = 0;
        for (byte[] frame : Ipv6Capture.frames()) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            Decoded d = decode(b);
            ByteBuffer out = ByteBuffer.allocate(frame.length);
            d.ethernet().emit(out, 0);
            int ipAt = d.ethernet().bufferLen();
            d.ip().emit(out, ipAt);
            int upper = ipAt + d.ip().bufferLen();
            out.put(upper, frame, upper, frame.length - upper);
            if (d.icmp() != null) {
                out.put(upper, new byte[d.icmp().bufferLen()]);
                d.icmp().emit(out, upper, d.ip().source(), d.ip().destination());
                icmp++;
            } else if (d.ip().protocol() == Ipv6Packet.NEXT_HEADER_UDP && !d.chain().isFragment()) {
                UdpPacket u = new UdpPacket();
                assertTrue(u.check(b, upper, d.ip().payloadLength()));
                out.putInt(upper, 0);
                UdpRepr.parse(u, d.ip().source(), d.ip().destination()).orThrow()
                        .emit(out, upper, d.ip().source(), d.ip().destination());
            }
            assertArrayEquals(frame, out.array());
        }
        assertTrue(icmp >= 25, "ICMPv6 messages re-emitted: " + icmp);
    }

    @Test
    void routerAdvertisementFromDnsmasq() {
        List<Icmpv6Repr.RouterAdvertisement> ras = new ArrayList<>();
        for (byte[] frame : Ipv6Capture.frames()) {
            if (decode(ByteBuffer.wrap(frame)).icmp() instanceof Icmpv6Repr.RouterAdvertisement ra) {
                ras.add(ra);
            }
        }
        assertFalse(ras.isEmpty());
        for (Icmpv6Repr.RouterAdvertisement ra : ras) {
            assertEquals(new Icmpv6Repr.RouterAdvertisement(64, false, false, Icmpv6Repr.RouterPreference.MEDIUM, 1800, 0, 0,
                    List.of(new NdpOption.PrefixInformation(64, true, true, 3600, 3600, Ipv6Address.parse("2001:db8:6::")),
                            new NdpOption.Mtu(1500),
                            new NdpOption.SourceLinkLayerAddress(A_MAC),
                            new NdpOption.RecursiveDnsServer(3600, List.of(A_GLOBAL)))), ra);
        }
    }

    @Test
    void duplicateAddressDetectionProbesAndMldReports() {
        int probes = 0;
        int reports = 0;
        for (byte[] frame : Ipv6Capture.frames()) {
            Decoded d = decode(ByteBuffer.wrap(frame));
            if (d.icmp() instanceof Icmpv6Repr.NeighborSolicitation ns && d.ip().source().isUnspecified()) {
                probes++;
                assertEquals(Icmpv6Repr.solicitedNode(ns.target()), d.ip().destination());
                // Linux sends a Nonce option (type 14, RFC 3971 section 5.3.2; RFC 7527) with its probes.
                assertTrue(ns.options().stream().allMatch(o -> o instanceof NdpOption.Unknown u && u.type() == 14),
                        ns::toString);
            }
            if (d.icmp() instanceof Icmpv6Repr.MulticastListenerReport report) {
                reports++;
                assertEquals(1, d.ip().hopLimit());
                assertEquals(Icmpv6Repr.ALL_MLDV2_ROUTERS, d.ip().destination());
                assertEquals(List.of(new Ipv6ExtensionHeader.HopByHopOptions(
                        Ipv6Option.padded(List.of(Ipv6Option.routerAlertMld())))), d.ip().extensions());
                for (Icmpv6Repr.MulticastAddressRecord r : report.records()) {
                    assertTrue(r.multicastAddress().isMulticast());
                    assertTrue(r.sources().isEmpty());
                }
            }
        }
        assertTrue(probes >= 4, "DAD probes: " + probes);
        assertTrue(reports >= 4, "MLDv2 reports: " + reports);
    }

    @Test
    void ourChainPointsWhereLinuxPointed() {
        boolean seen = false;
        for (byte[] frame : Ipv6Capture.frames()) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            if (decode(b).icmp() instanceof Icmpv6Repr.ParameterProblem pp) {
                seen = true;
                assertEquals(Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_OPTION, pp.reason());
                ByteBuffer quoted = ByteBuffer.wrap(pp.invokingPacket().toArray());
                Ipv6Packet q = new Ipv6Packet();
                assertTrue(q.checkQuoted(quoted, 0, quoted.limit()));
                Ipv6HeaderChain chain = new Ipv6HeaderChain();
                assertFalse(chain.check(q));
                assertEquals(WireError.UNRECOGNIZED_OPTION, chain.error());
                assertEquals(Ipv6OptionAction.DISCARD_AND_REPORT, chain.optionAction());
                assertEquals(pp.pointer(), chain.errorPointer());
                assertEquals(42, chain.errorPointer());
            }
        }
        assertTrue(seen);
    }

    @Test
    void fragmentsOfAnEightThousandBytePing() {
        int fragments = 0;
        int last = 0;
        for (byte[] frame : Ipv6Capture.frames()) {
            Decoded d = decode(ByteBuffer.wrap(frame));
            if (d.chain().isFragment() && d.ip().source().equals(Ipv6Address.parse("2001:db8:6::ff:fe00:601"))) {
                fragments++;
                Ipv6ExtensionHeader.Fragment f = assertInstanceOf(Ipv6ExtensionHeader.Fragment.class, d.ip().extensions().getLast());
                assertEquals(Ipv6Packet.NEXT_HEADER_ICMPV6, d.ip().protocol());
                assertEquals(f.offset(), d.chain().fragmentOffset());
                assertFalse(d.chain().isAtomicFragment());
                if (!f.moreFragments()) {
                    last = f.offset() + d.ip().payloadLength();
                }
            }
        }
        assertEquals(6, fragments);
        assertEquals(8000 + Icmpv6Packet.HEADER_LENGTH, last);
    }

    @Test
    void udpAndTcpChecksumsOverIpv6() {
        int udp = 0;
        int tcp = 0;
        for (byte[] frame : Ipv6Capture.frames()) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            Decoded d = decode(b);
            int at = d.chain().upperLayerOffset();
            if (d.ip().protocol() == Ipv6Packet.NEXT_HEADER_UDP) {
                UdpPacket u = new UdpPacket();
                assertTrue(u.check(b, at, d.chain().upperLayerLength()));
                assertTrue(u.checksumVerifies(d.view()));
                assertEquals(9, UdpRepr.parse(u, d.ip().source(), d.ip().destination()).orThrow().destinationPort());
                b.put(at + UdpPacket.CHECKSUM, (byte) ~b.get(at + UdpPacket.CHECKSUM));
                assertFalse(u.checksumVerifies(d.view()));
                udp++;
            }
            if (d.ip().protocol() == Ipv6Packet.NEXT_HEADER_TCP) {
                TcpSegment t = new TcpSegment();
                assertTrue(t.check(b, at, d.chain().upperLayerLength()));
                assertTrue(t.checksumVerifies(d.view()));
                TcpRepr r = TcpRepr.parse(t, d.ip().source(), d.ip().destination()).orThrow();
                ByteBuffer out = ByteBuffer.allocate(r.bufferLen());
                r.emit(out, 0, d.ip().source(), d.ip().destination());
                assertEquals(Parsed.ok(r), TcpRepr.parse(checked(out), d.ip().source(), d.ip().destination()));
                // The pseudo-header counts: the same segment from another source does not verify.
                assertEquals(Parsed.err(WireError.BAD_CHECKSUM), TcpRepr.parse(t, Ipv6Address.LOOPBACK, d.ip().destination()));
                tcp++;
            }
        }
        assertEquals(2, udp);
        assertEquals(2, tcp);
    }

    private static TcpSegment checked(ByteBuffer b) {
        TcpSegment t = new TcpSegment();
        assertTrue(t.check(b, 0, b.limit()));
        return t;
    }

    /** Ethernet, IPv6 and (if whole) ICMPv6 of a captured frame; fails the test if Linux's bytes do not parse. */
    static Decoded decode(ByteBuffer b) {
        EthernetFrame f = new EthernetFrame();
        assertTrue(f.check(b, 0, b.limit()), () -> "ethernet: " + f.error());
        EthernetRepr e = EthernetRepr.parse(f).orThrow();
        assertEquals(EthernetFrame.TYPE_IPV6, e.etherType());
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()), () -> "ipv6: " + p.error());
        Ipv6HeaderChain chain = new Ipv6HeaderChain();
        assertTrue(chain.checkStructure(p));
        Ipv6Repr ip = Ipv6Repr.parse(p).orThrow();
        Icmpv6Repr icmp = null;
        if (ip.protocol() == Ipv6Packet.NEXT_HEADER_ICMPV6 && !chain.isFragment()) {
            Icmpv6Packet ic = new Icmpv6Packet();
            assertTrue(ic.check(b, chain.upperLayerOffset(), chain.upperLayerLength()));
            assertTrue(ic.checksumVerifies(p));
            icmp = Icmpv6Repr.parse(ic, ip.source(), ip.destination(), ip.hopLimit()).orThrow();
        }
        return new Decoded(e, ip, p, chain, icmp);
    }

    // ---- our decoding, field by field as tshark names and prints them ----

    /** The values of {@code names} for one frame as tshark would print them, from our views and records. */
    static Map<String, String> fields(byte[] frame, Iterable<String> names) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, new ArrayList<>());
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        Decoded d = decode(b);
        add(m, "eth.type", "0x%04x", d.ethernet().etherType());
        ipv6(m, d.view(), d.chain());
        if (d.icmp() != null || d.ip().protocol() == Ipv6Packet.NEXT_HEADER_ICMPV6 && d.chain().fragmentOffset() == 0) {
            Icmpv6Packet ic = new Icmpv6Packet();
            assertTrue(ic.check(b, d.chain().upperLayerOffset(), d.chain().upperLayerLength()));
            add(m, "icmpv6.type", "%d", ic.type());
            add(m, "icmpv6.code", "%d", ic.code());
            add(m, "icmpv6.checksum", "0x%04x", ic.checksum());
            // 1: good; 2: unverified (tshark cannot verify a fragment without reassembly).
            add(m, "icmpv6.checksum.status", "%d", d.icmp() != null ? 1 : 2);
            if (d.icmp() == null) {
                add(m, "icmpv6.echo.identifier", "0x%04x", ic.identifier());
                add(m, "icmpv6.echo.sequence_number", "%d", ic.sequence());
            } else {
                icmpv6(m, d.icmp());
            }
        }
        upper(m, b, d.view(), d.chain());
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, String.join(",", v)));
        return out;
    }

    private static void ipv6(Map<String, List<String>> m, Ipv6Packet p, Ipv6HeaderChain chain) {
        add(m, "ipv6.plen", "%d", p.payloadLengthField());
        add(m, "ipv6.nxt", "%d", p.nextHeader());
        add(m, "ipv6.hlim", "%d", p.hopLimit());
        add(m, "ipv6.src", "%s", new Ipv6Address(p.sourceHigh(), p.sourceLow()));
        add(m, "ipv6.dst", "%s", new Ipv6Address(p.destinationHigh(), p.destinationLow()));
        add(m, "ipv6.tclass", "0x%08x", p.trafficClass());
        add(m, "ipv6.flow", "0x%06x", p.flowLabel());
        ByteBuffer b = p.buffer();
        for (int i = 0; i < chain.headerCount(); i++) {
            int at = chain.headerOffset(i);
            switch (chain.headerType(i)) {
                case Ipv6HeaderChain.HOP_BY_HOP, Ipv6HeaderChain.DESTINATION_OPTIONS -> {
                    add(m, chain.headerType(i) == Ipv6HeaderChain.HOP_BY_HOP ? "ipv6.hopopts.nxt" : "ipv6.dstopts.nxt",
                            "%d", b.get(at) & 0xff);
                    int j = at + 2;
                    while (j < at + chain.headerLength(i)) {
                        int type = b.get(j) & 0xff;
                        add(m, "ipv6.opt.type", "0x%02x", type);
                        j += type == Ipv6Option.PAD1 ? 1 : 2 + (b.get(j + 1) & 0xff);
                    }
                }
                case Ipv6HeaderChain.FRAGMENT -> {
                    add(m, "ipv6.fraghdr.nxt", "%d", b.get(at) & 0xff);
                    add(m, "ipv6.fraghdr.offset", "%d", chain.fragmentOffset() / 8);
                    add(m, "ipv6.fraghdr.more", "%d", chain.moreFragments() ? 1 : 0);
                    add(m, "ipv6.fraghdr.ident", "0x%08x", chain.fragmentIdentification());
                }
                default -> { }
            }
        }
    }

    private static void icmpv6(Map<String, List<String>> m, Icmpv6Repr icmp) {
        switch (icmp) {
            case Icmpv6Repr.Echo e -> {
                add(m, "icmpv6.echo.identifier", "0x%04x", e.identifier());
                add(m, "icmpv6.echo.sequence_number", "%d", e.sequence());
            }
            case Icmpv6Repr.ParameterProblem pp -> {
                add(m, "icmpv6.pointer", "%d", pp.pointer());
                quoted(m, pp.invokingPacket());
            }
            case Icmpv6Repr.DestinationUnreachable du -> quoted(m, du.invokingPacket());
            case Icmpv6Repr.NeighborSolicitation ns -> {
                add(m, "icmpv6.nd.ns.target_address", "%s", ns.target());
                options(m, ns.options());
            }
            case Icmpv6Repr.NeighborAdvertisement na -> {
                add(m, "icmpv6.nd.na.target_address", "%s", na.target());
                add(m, "icmpv6.nd.na.flag", "0x%08x", (na.router() ? 0x8000_0000 : 0) | (na.solicited() ? 0x4000_0000 : 0)
                        | (na.override() ? 0x2000_0000 : 0));
                options(m, na.options());
            }
            case Icmpv6Repr.RouterSolicitation rs -> options(m, rs.options());
            case Icmpv6Repr.RouterAdvertisement ra -> {
                add(m, "icmpv6.nd.ra.cur_hop_limit", "%d", ra.currentHopLimit());
                add(m, "icmpv6.nd.ra.flag", "0x%02x", (ra.managed() ? 0x80 : 0) | (ra.other() ? 0x40 : 0)
                        | ra.preference().bits() << 3);
                add(m, "icmpv6.nd.ra.router_lifetime", "%d", ra.routerLifetime());
                add(m, "icmpv6.nd.ra.reachable_time", "%d", ra.reachableTime());
                add(m, "icmpv6.nd.ra.retrans_timer", "%d", ra.retransTimer());
                options(m, ra.options());
            }
            case Icmpv6Repr.MulticastListenerReport r -> {
                add(m, "icmpv6.mldr.nb_mcast_records", "%d", r.records().size());
                for (Icmpv6Repr.MulticastAddressRecord a : r.records()) {
                    add(m, "icmpv6.mldr.mar.record_type", "%d", a.recordType().value());
                }
                for (Icmpv6Repr.MulticastAddressRecord a : r.records()) {
                    add(m, "icmpv6.mldr.mar.multicast_address", "%s", a.multicastAddress());
                }
            }
            default -> throw new AssertionError("not in the capture: " + icmp);
        }
    }

    /** tshark decodes the packet an error quotes with the same field names, after the outer ones. */
    private static void quoted(Map<String, List<String>> m, Octets invoking) {
        ByteBuffer q = ByteBuffer.wrap(invoking.toArray());
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.checkQuoted(q, 0, q.limit()));
        Ipv6HeaderChain chain = new Ipv6HeaderChain();
        assertTrue(chain.checkStructure(p));
        ipv6(m, p, chain);
        upper(m, q, p, chain);
    }

    private static void upper(Map<String, List<String>> m, ByteBuffer b, Ipv6Packet p, Ipv6HeaderChain chain) {
        if (!chain.isFragment()) {
            upperAt(m, b, p, chain.upperLayerOffset(), chain.upperLayerProtocol());
        }
    }

    private static void upperAt(Map<String, List<String>> m, ByteBuffer b, Ipv6Packet p, int at, int protocol) {
        int len = p.payloadOffset() + p.payloadLength() - at;
        if (protocol == Ipv6Packet.NEXT_HEADER_UDP) {
            UdpPacket u = new UdpPacket();
            assertTrue(u.check(b, at, len));
            add(m, "udp.srcport", "%d", u.sourcePort());
            add(m, "udp.dstport", "%d", u.destinationPort());
            add(m, "udp.checksum.status", "%d", u.checksumVerifies(p) ? 1 : 0);
        } else if (protocol == Ipv6Packet.NEXT_HEADER_TCP) {
            TcpSegment t = new TcpSegment();
            assertTrue(t.check(b, at, len));
            add(m, "tcp.srcport", "%d", t.sourcePort());
            add(m, "tcp.dstport", "%d", t.destinationPort());
            add(m, "tcp.flags", "0x%04x", t.flags());
            add(m, "tcp.checksum.status", "%d", t.checksumVerifies(p) ? 1 : 0);
        }
    }

    private static void options(Map<String, List<String>> m, List<NdpOption> options) {
        for (NdpOption o : options) {
            int type = switch (o) {
                case NdpOption.SourceLinkLayerAddress s -> NdpOption.TYPE_SOURCE_LINK_LAYER_ADDRESS;
                case NdpOption.TargetLinkLayerAddress t -> NdpOption.TYPE_TARGET_LINK_LAYER_ADDRESS;
                case NdpOption.PrefixInformation pi -> NdpOption.TYPE_PREFIX_INFORMATION;
                case NdpOption.RedirectedHeader r -> NdpOption.TYPE_REDIRECTED_HEADER;
                case NdpOption.Mtu mtu -> NdpOption.TYPE_MTU;
                case NdpOption.RecursiveDnsServer r -> NdpOption.TYPE_RECURSIVE_DNS_SERVER;
                case NdpOption.Unknown u -> u.type();
            };
            add(m, "icmpv6.opt.type", "%d", type);
            switch (o) {
                case NdpOption.SourceLinkLayerAddress s -> add(m, "icmpv6.opt.linkaddr", "%s", s.address());
                case NdpOption.TargetLinkLayerAddress t -> add(m, "icmpv6.opt.linkaddr", "%s", t.address());
                case NdpOption.PrefixInformation pi -> {
                    add(m, "icmpv6.opt.prefix", "%s", pi.prefix());
                    add(m, "icmpv6.opt.prefix.length", "%d", pi.prefixLength());
                    add(m, "icmpv6.opt.prefix.flag", "0x%02x", (pi.onLink() ? 0x80 : 0) | (pi.autonomous() ? 0x40 : 0));
                    add(m, "icmpv6.opt.prefix.valid_lifetime", "%d", pi.validLifetime());
                    add(m, "icmpv6.opt.prefix.preferred_lifetime", "%d", pi.preferredLifetime());
                }
                case NdpOption.Mtu mtu -> add(m, "icmpv6.opt.mtu", "%d", mtu.mtu());
                case NdpOption.RecursiveDnsServer r -> {
                    add(m, "icmpv6.opt.rdnss.lifetime", "%d", r.lifetime());
                    for (Ipv6Address s : r.servers()) {
                        add(m, "icmpv6.opt.rdnss", "%s", s);
                    }
                }
                default -> { }
            }
        }
    }

    private static void add(Map<String, List<String>> m, String field, String format, Object value) {
        List<String> values = m.get(field);
        if (values == null) {
            throw new AssertionError("tshark's decoding has no column " + field + ": rerun capture.sh");
        }
        values.add(String.format(format, value));
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
