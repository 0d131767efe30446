package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import org.junit.jupiter.api.Test;

/** The validity rules of {@link Icmpv6Repr#parse}: RFC 4443 codes, RFC 4861 sections 4.6, 6.1, 7.1 and 8.1, RFC 3810. */
class Icmpv6ReprTest {
    static final Ipv6Address LINK_LOCAL = Ipv6Address.parse("fe80::1");
    static final Ipv6Address GLOBAL = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address OTHER = Ipv6Address.parse("2001:db8::2");
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

    /** Writes {@code m} from {@code src} to {@code dst} and parses it back with {@code hopLimit}. */
    static Parsed<Icmpv6Repr> roundTrip(Icmpv6Repr m, Ipv6Address src, Ipv6Address dst, int hopLimit) {
        ByteBuffer b = ByteBuffer.allocate(m.bufferLen());
        m.emit(b, 0, src, dst);
        return parse(b, src, dst, hopLimit);
    }

    static Parsed<Icmpv6Repr> parse(ByteBuffer b, Ipv6Address src, Ipv6Address dst, int hopLimit) {
        Icmpv6Packet p = new Icmpv6Packet();
        assertTrue(p.check(b, 0, b.limit()));
        return Icmpv6Repr.parse(p, src, dst, hopLimit);
    }

    /** Writes {@code m}, lets {@code edit} change its bytes, fixes the checksum and parses. */
    static Parsed<Icmpv6Repr> edited(Icmpv6Repr m, Ipv6Address src, Ipv6Address dst, java.util.function.Consumer<ByteBuffer> edit) {
        ByteBuffer b = ByteBuffer.allocate(m.bufferLen());
        m.emit(b, 0, src, dst);
        edit.accept(b);
        Bytes.put16(b, Icmpv6Packet.CHECKSUM, 0);
        long sum = InternetChecksum.pseudoHeader(src, dst, Ipv6Packet.NEXT_HEADER_ICMPV6, b.limit());
        Bytes.put16(b, Icmpv6Packet.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, b, 0, b.limit())));
        return parse(b, src, dst, 255);
    }

    static Parsed<Icmpv6Repr> err(WireError e) {
        return Parsed.err(e);
    }

    @Test
    void neighborDiscoveryNeedsHopLimit255() {
        Icmpv6Repr ns = new Icmpv6Repr.NeighborSolicitation(OTHER, List.of(new NdpOption.SourceLinkLayerAddress(MAC)));
        assertEquals(Parsed.ok(ns), roundTrip(ns, GLOBAL, Icmpv6Repr.solicitedNode(OTHER), 255));
        assertEquals(err(WireError.BAD_HOP_LIMIT), roundTrip(ns, GLOBAL, Icmpv6Repr.solicitedNode(OTHER), 254));
        // Echo has no such rule.
        Icmpv6Repr echo = new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 1, 2, Octets.ofHex("abcd"));
        assertEquals(Parsed.ok(echo), roundTrip(echo, GLOBAL, OTHER, 3));
    }

    @Test
    void duplicateAddressDetectionProbeRules() {
        Icmpv6Repr probe = new Icmpv6Repr.NeighborSolicitation(OTHER, List.of());
        assertEquals(Parsed.ok(probe), roundTrip(probe, Ipv6Address.UNSPECIFIED, Icmpv6Repr.solicitedNode(OTHER), 255));
        assertEquals(err(WireError.BAD_SOURCE), roundTrip(probe, Ipv6Address.UNSPECIFIED, OTHER, 255),
                "from :: only to a solicited-node group");
        Icmpv6Repr withAddress = new Icmpv6Repr.NeighborSolicitation(OTHER, List.of(new NdpOption.SourceLinkLayerAddress(MAC)));
        assertEquals(err(WireError.BAD_SOURCE),
                roundTrip(withAddress, Ipv6Address.UNSPECIFIED, Icmpv6Repr.solicitedNode(OTHER), 255));
        Icmpv6Repr multicastTarget = new Icmpv6Repr.NeighborSolicitation(Icmpv6Repr.ALL_NODES, List.of());
        assertEquals(err(WireError.BAD_TARGET), roundTrip(multicastTarget, GLOBAL, OTHER, 255));
    }

    @Test
    void neighborAdvertisementRules() {
        Icmpv6Repr solicited = new Icmpv6Repr.NeighborAdvertisement(false, true, true, GLOBAL,
                List.of(new NdpOption.TargetLinkLayerAddress(MAC)));
        assertEquals(Parsed.ok(solicited), roundTrip(solicited, GLOBAL, OTHER, 255));
        assertEquals(err(WireError.BAD_DESTINATION), roundTrip(solicited, GLOBAL, Icmpv6Repr.ALL_NODES, 255));
        Icmpv6Repr unsolicited = new Icmpv6Repr.NeighborAdvertisement(true, false, true, GLOBAL, List.of());
        assertEquals(Parsed.ok(unsolicited), roundTrip(unsolicited, GLOBAL, Icmpv6Repr.ALL_NODES, 255));
        assertEquals(err(WireError.BAD_TARGET), roundTrip(
                new Icmpv6Repr.NeighborAdvertisement(false, false, false, Icmpv6Repr.ALL_NODES, List.of()), GLOBAL, OTHER, 255));
    }

    @Test
    void routerMessagesRules() {
        Icmpv6Repr rs = new Icmpv6Repr.RouterSolicitation(List.of(new NdpOption.SourceLinkLayerAddress(MAC)));
        assertEquals(Parsed.ok(rs), roundTrip(rs, LINK_LOCAL, Icmpv6Repr.ALL_ROUTERS, 255));
        assertEquals(err(WireError.BAD_SOURCE), roundTrip(rs, Ipv6Address.UNSPECIFIED, Icmpv6Repr.ALL_ROUTERS, 255));
        Icmpv6Repr ra = new Icmpv6Repr.RouterAdvertisement(64, true, false, Icmpv6Repr.RouterPreference.HIGH, 1800, 30000,
                1000, List.of(new NdpOption.Mtu(1280)));
        assertEquals(Parsed.ok(ra), roundTrip(ra, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 255));
        assertEquals(err(WireError.BAD_SOURCE), roundTrip(ra, GLOBAL, Icmpv6Repr.ALL_NODES, 255));
        // Reserved bits and the reserved preference 10 are read as if zero (RFC 4861 section 4.2; RFC 4191 section 2.2).
        Icmpv6Repr.RouterAdvertisement read = assertInstanceOf(Icmpv6Repr.RouterAdvertisement.class,
                edited(ra, LINK_LOCAL, Icmpv6Repr.ALL_NODES, b -> b.put(5, (byte) (0x80 | 0x10 | 0x07))).orThrow());
        assertEquals(Icmpv6Repr.RouterPreference.MEDIUM, read.preference());
        assertTrue(read.managed());
    }

    @Test
    void redirectRules() {
        Ipv6Address router = Ipv6Address.parse("fe80::2");
        Icmpv6Repr better = new Icmpv6Repr.Redirect(router, OTHER, List.of(new NdpOption.RedirectedHeader(Octets.of(new byte[48]))));
        assertEquals(Parsed.ok(better), roundTrip(better, LINK_LOCAL, GLOBAL, 255));
        assertEquals(err(WireError.BAD_SOURCE), roundTrip(better, GLOBAL, GLOBAL, 255));
        Icmpv6Repr onLink = new Icmpv6Repr.Redirect(OTHER, OTHER, List.of());
        assertEquals(Parsed.ok(onLink), roundTrip(onLink, LINK_LOCAL, GLOBAL, 255), "the destination is a neighbour");
        assertEquals(err(WireError.BAD_TARGET), roundTrip(new Icmpv6Repr.Redirect(GLOBAL, OTHER, List.of()), LINK_LOCAL, GLOBAL, 255));
        assertEquals(err(WireError.BAD_TARGET), roundTrip(new Icmpv6Repr.Redirect(router, Icmpv6Repr.ALL_NODES, List.of()),
                LINK_LOCAL, GLOBAL, 255));
    }

    @Test
    void optionLengths() {
        Icmpv6Repr rs = new Icmpv6Repr.RouterSolicitation(List.of(new NdpOption.SourceLinkLayerAddress(MAC)));
        assertEquals(err(WireError.ZERO_LENGTH_OPTION), edited(rs, LINK_LOCAL, Icmpv6Repr.ALL_ROUTERS, b -> b.put(9, (byte) 0)));
        assertEquals(err(WireError.OPTION_TRUNCATED), edited(rs, LINK_LOCAL, Icmpv6Repr.ALL_ROUTERS, b -> b.put(9, (byte) 2)));
        Icmpv6Repr ra = new Icmpv6Repr.RouterAdvertisement(0, false, false, Icmpv6Repr.RouterPreference.MEDIUM, 0, 0, 0,
                List.of(new NdpOption.Mtu(1500), new NdpOption.Unknown(200, Octets.of(new byte[6]))));
        // A known option of a length its RFC forbids: MTU of two units (RFC 4861 section 4.6.4: length 1).
        assertEquals(err(WireError.BAD_OPTION_LENGTH), edited(ra, LINK_LOCAL, Icmpv6Repr.ALL_NODES, b -> b.put(17, (byte) 2)));
        assertEquals(Parsed.ok(ra), roundTrip(ra, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 255), "unknown options are kept, to be ignored");
    }

    @Test
    void prefixBitsPastTheLengthAreIgnored() {
        Icmpv6Repr ra = new Icmpv6Repr.RouterAdvertisement(0, false, false, Icmpv6Repr.RouterPreference.MEDIUM, 0, 0, 0,
                List.of(new NdpOption.PrefixInformation(64, true, true, NdpOption.PrefixInformation.INFINITE, 100,
                        Ipv6Address.parse("2001:db8:1:2:ffff::1"))));
        Icmpv6Repr.RouterAdvertisement read = (Icmpv6Repr.RouterAdvertisement) roundTrip(ra, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 255).orThrow();
        assertEquals(Ipv6Address.parse("2001:db8:1:2::"), ((NdpOption.PrefixInformation) read.options().getFirst()).prefix());
    }

    @Test
    void codesAndTypes() {
        Icmpv6Repr du = new Icmpv6Repr.DestinationUnreachable(Icmpv6Repr.UnreachableCode.PORT_UNREACHABLE, Octets.ofHex("60"));
        assertEquals(err(WireError.BAD_CODE), edited(du, GLOBAL, OTHER, b -> b.put(1, (byte) 9)));
        Icmpv6Repr ptb = new Icmpv6Repr.PacketTooBig(1280, Octets.EMPTY);
        assertEquals(Parsed.ok(ptb), edited(ptb, GLOBAL, OTHER, b -> b.put(1, (byte) 5)), "code ignored (RFC 4443 section 3.2)");
        Icmpv6Repr pp = new Icmpv6Repr.ParameterProblem(Icmpv6Repr.ParameterProblemCode.INCOMPLETE_HEADER_CHAIN, 0, Octets.EMPTY);
        assertEquals(err(WireError.BAD_CODE), edited(pp, GLOBAL, OTHER, b -> b.put(1, (byte) 11)));
        Icmpv6Repr echo = new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REPLY, 1, 1, Octets.EMPTY);
        assertEquals(err(WireError.BAD_CODE), edited(echo, GLOBAL, OTHER, b -> b.put(1, (byte) 1)));
        // MLDv1 Report (131), Done (132), Router Renumbering (138): not represented.
        for (int type : new int[] {131, 132, 138, 200}) {
            assertEquals(err(WireError.UNSUPPORTED_TYPE), edited(echo, GLOBAL, OTHER, b -> b.put(0, (byte) type)));
        }
    }

    @Test
    void multicastListenerQueries() {
        Icmpv6Repr v1 = new Icmpv6Repr.MulticastListenerQueryV1(10000, Ipv6Address.UNSPECIFIED);
        assertEquals(Parsed.ok(v1), roundTrip(v1, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 1));
        Icmpv6Repr.MulticastListenerQuery v2 = new Icmpv6Repr.MulticastListenerQuery(0x8123, Ipv6Address.parse("ff05::1:3"), true,
                2, 125, List.of(GLOBAL));
        assertEquals(Parsed.ok(v2), roundTrip(v2, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 1));
        assertEquals(err(WireError.BAD_SOURCE), roundTrip(v2, GLOBAL, Icmpv6Repr.ALL_NODES, 1));
        // RFC 3810 section 5.1.3: 0x8123 is exp 0, mant 0x123: (0x123 | 0x1000) << 3.
        assertEquals((0x123 | 0x1000) << 3, v2.maximumResponseDelay());
        assertEquals(1000, new Icmpv6Repr.MulticastListenerQuery(1000, Ipv6Address.UNSPECIFIED, false, 2, 125, List.of())
                .maximumResponseDelay());
        ByteBuffer b = ByteBuffer.allocate(26);
        new Icmpv6Repr.MulticastListenerQueryV1(1, Ipv6Address.UNSPECIFIED).emit(b, 0, LINK_LOCAL, Icmpv6Repr.ALL_NODES);
        Bytes.put16(b, Icmpv6Packet.CHECKSUM, 0);
        long sum = InternetChecksum.pseudoHeader(LINK_LOCAL, Icmpv6Repr.ALL_NODES, 58, 26);
        Bytes.put16(b, Icmpv6Packet.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, b, 0, 26)));
        assertEquals(err(WireError.BAD_LENGTH), parse(b, LINK_LOCAL, Icmpv6Repr.ALL_NODES, 1), "25-27 octets: ignored");
        assertEquals(err(WireError.TRUNCATED), edited(v2, LINK_LOCAL, Icmpv6Repr.ALL_NODES, c -> c.put(27, (byte) 2)));
    }

    @Test
    void reportsSkipUnknownRecordTypes() {
        Ipv6Address group = Ipv6Address.parse("ff02::1:ff00:1");
        Icmpv6Repr report = new Icmpv6Repr.MulticastListenerReport(List.of(
                Icmpv6Repr.MulticastAddressRecord.of(Icmpv6Repr.RecordType.CHANGE_TO_EXCLUDE_MODE, group),
                Icmpv6Repr.MulticastAddressRecord.of(Icmpv6Repr.RecordType.MODE_IS_INCLUDE, group)));
        assertEquals(Parsed.ok(new Icmpv6Repr.MulticastListenerReport(List.of(
                        Icmpv6Repr.MulticastAddressRecord.of(Icmpv6Repr.RecordType.CHANGE_TO_EXCLUDE_MODE, group)))),
                edited(report, LINK_LOCAL, Icmpv6Repr.ALL_MLDV2_ROUTERS, b -> b.put(28, (byte) 7)));
        assertEquals(err(WireError.OPTION_TRUNCATED),
                edited(report, LINK_LOCAL, Icmpv6Repr.ALL_MLDV2_ROUTERS, b -> b.put(7, (byte) 3)));
    }

    @Test
    void addressesAndLimits() {
        assertEquals(Ipv6Address.parse("ff02::1:ff00:602"), Icmpv6Repr.solicitedNode(Ipv6Address.parse("2001:db8:6::ff:fe00:602")));
        assertTrue(Icmpv6Repr.isSolicitedNode(Ipv6Address.parse("ff02::1:ffab:cdef")));
        assertEquals(1280 - 40 - 8, Icmpv6Repr.invoking(ByteBuffer.allocate(2000), 0, 2000).length());
        assertEquals(Ipv6Address.parse("2001:db8::"), NdpOption.mask(Ipv6Address.parse("2001:db8::ffff"), 32));
        assertEquals(Ipv6Address.UNSPECIFIED, NdpOption.mask(Ipv6Address.parse("2001:db8::ffff"), 0));
        assertEquals(Ipv6Address.parse("2001:db8::fffe"), NdpOption.mask(Ipv6Address.parse("2001:db8::ffff"), 127));
    }
}
