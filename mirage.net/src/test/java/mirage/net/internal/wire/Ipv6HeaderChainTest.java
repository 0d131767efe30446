package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.Ipv6Address;
import org.junit.jupiter.api.Test;

/** The verdicts of {@link Ipv6HeaderChain#check}, one rule of RFC 8200 (and 5095, 7112, 6946) per test, on packets written by {@link Ipv6Repr}. */
class Ipv6HeaderChainTest {
    static final Ipv6Address SRC = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address DST = Ipv6Address.parse("2001:db8::2");

    static Ipv6Packet packet(List<Ipv6ExtensionHeader> extensions, int protocol, int payloadLength) {
        Ipv6Repr ip = new Ipv6Repr(SRC, DST, protocol, 64, 0, 0, 0, extensions, payloadLength);
        ByteBuffer b = ByteBuffer.allocate(ip.totalLength());
        ip.emit(b, 0);
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.check(b, 0, b.limit()));
        return p;
    }

    static Ipv6ExtensionHeader.DestinationOptions destinationOption(int type, int dataLength) {
        return new Ipv6ExtensionHeader.DestinationOptions(
                Ipv6Option.padded(List.of(new Ipv6Option(type, Octets.of(new byte[dataLength])))));
    }

    @Test
    void noExtensionHeadersIsTheUpperLayerRightAway() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertTrue(c.check(packet(List.of(), Ipv6Packet.NEXT_HEADER_UDP, 12)));
        assertNull(c.error());
        assertEquals(0, c.headerCount());
        assertEquals(Ipv6Packet.NEXT_HEADER_UDP, c.upperLayerProtocol());
        assertEquals(40, c.upperLayerOffset());
        assertEquals(12, c.upperLayerLength());
        assertEquals(Ipv6Packet.NEXT_HEADER, c.upperLayerPointer());
        assertFalse(c.isFragment());
        assertThrows(IllegalStateException.class, c::fragmentOffset);
    }

    @Test
    void recognisedAndSkippableOptionsPass() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        Ipv6Packet p = packet(List.of(
                new Ipv6ExtensionHeader.HopByHopOptions(Ipv6Option.padded(List.of(Ipv6Option.routerAlertMld()))),
                destinationOption(0x1e, 3)), Ipv6Packet.NEXT_HEADER_ICMPV6, 8);
        assertTrue(c.check(p));
        assertEquals(2, c.headerCount());
        assertEquals(Ipv6HeaderChain.HOP_BY_HOP, c.headerType(0));
        assertEquals(Ipv6HeaderChain.DESTINATION_OPTIONS, c.headerType(1));
        assertEquals(56, c.upperLayerOffset());
        assertEquals(48, c.upperLayerPointer());
    }

    @Test
    void unrecognisedOptionsActByTheirTwoHighBits() {
        int[] types = {0x3e, 0x7e, 0xbe, 0xfe};
        Ipv6OptionAction[] actions = Ipv6OptionAction.values();
        for (int i = 0; i < 4; i++) {
            Ipv6HeaderChain c = new Ipv6HeaderChain();
            boolean ok = c.check(packet(List.of(destinationOption(types[i], 4)), Ipv6Packet.NEXT_HEADER_UDP, 8));
            if (actions[i] == Ipv6OptionAction.SKIP) {
                assertTrue(ok);
            } else {
                assertFalse(ok);
                assertEquals(WireError.UNRECOGNIZED_OPTION, c.error());
                assertEquals(actions[i], c.optionAction());
                assertEquals(42, c.errorPointer());
            }
        }
        assertTrue(Ipv6OptionAction.DISCARD_AND_REPORT.reports(true));
        assertFalse(Ipv6OptionAction.DISCARD_AND_REPORT_UNLESS_MULTICAST.reports(true));
        assertTrue(Ipv6OptionAction.DISCARD_AND_REPORT_UNLESS_MULTICAST.reports(false));
        assertFalse(Ipv6OptionAction.DISCARD.reports(false));
    }

    @Test
    void hopByHopAnywhereButFirstIsAnUnrecognisedNextHeader() {
        Ipv6Packet p = packet(List.of(destinationOption(Ipv6Option.PAD_N, 4)), Ipv6HeaderChain.HOP_BY_HOP, 8);
        // Ipv6Repr refuses to write a Hop-by-Hop header after another; this one is the upper layer's
        // number naming 0, followed by a well-formed Hop-by-Hop header.
        p.buffer().put(p.payloadOffset() + 8, (byte) Ipv6Packet.NEXT_HEADER_UDP);
        p.buffer().put(p.payloadOffset() + 9, (byte) 0);
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertFalse(c.check(p));
        assertEquals(WireError.UNRECOGNIZED_NEXT_HEADER, c.error());
        assertEquals(40, c.errorPointer());
        assertFalse(c.checkStructure(p));
    }

    @Test
    void routingHeaderWithSegmentsLeftIsRefusedAndType0AsAnyOther() {
        for (int type : new int[] {Ipv6ExtensionHeader.Routing.TYPE_0, 2, 4}) {
            Ipv6HeaderChain c = new Ipv6HeaderChain();
            Ipv6Packet left = packet(List.of(new Ipv6ExtensionHeader.Routing(type, 1, Octets.of(new byte[20]))),
                    Ipv6Packet.NEXT_HEADER_UDP, 8);
            assertFalse(c.check(left));
            assertEquals(WireError.UNRECOGNIZED_ROUTING_TYPE, c.error());
            assertEquals(42, c.errorPointer());
            assertTrue(c.checkStructure(left));
            Ipv6Packet done = packet(List.of(new Ipv6ExtensionHeader.Routing(type, 0, Octets.of(new byte[20]))),
                    Ipv6Packet.NEXT_HEADER_UDP, 8);
            assertTrue(c.check(done), "segments left 0: ignore the header (RFC 8200 section 4.4)");
            assertEquals(Ipv6Packet.NEXT_HEADER_UDP, c.upperLayerProtocol());
        }
    }

    @Test
    void fragmentStopsTheWalk() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        Ipv6Packet p = packet(List.of(new Ipv6ExtensionHeader.Fragment(1448, true, 0xcafe)), Ipv6Packet.NEXT_HEADER_ICMPV6, 1448);
        assertTrue(c.check(p));
        assertTrue(c.isFragment());
        assertFalse(c.isAtomicFragment());
        assertEquals(1448, c.fragmentOffset());
        assertTrue(c.moreFragments());
        assertEquals(0xcafe, c.fragmentIdentification());
        assertEquals(48, c.upperLayerOffset());
        assertEquals(1448, c.upperLayerLength());
    }

    @Test
    void atomicFragment() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertTrue(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(0, false, 7)), Ipv6Packet.NEXT_HEADER_UDP, 13)));
        assertTrue(c.isAtomicFragment(), "RFC 6946: offset 0, no M flag");
    }

    @Test
    void fragmentWithMoreFragmentsMustBeAMultipleOf8() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertFalse(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(8, true, 1)), Ipv6Packet.NEXT_HEADER_UDP, 13)));
        assertEquals(WireError.BAD_FRAGMENT, c.error());
        assertEquals(Ipv6Packet.PAYLOAD_LENGTH, c.errorPointer());
    }

    @Test
    void fragmentMayNotEndPast65535() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertFalse(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(65528, false, 1)), Ipv6Packet.NEXT_HEADER_UDP, 16)));
        assertEquals(WireError.BAD_FRAGMENT, c.error());
        assertEquals(42, c.errorPointer(), "the Fragment Offset field");
    }

    @Test
    void firstFragmentWithoutTheWholeChainIsIncomplete() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        // 8 bytes after the fragment header: TCP's 20-byte header does not fit.
        assertFalse(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(0, true, 1)), Ipv6Packet.NEXT_HEADER_TCP, 8)));
        assertEquals(WireError.INCOMPLETE_HEADER_CHAIN, c.error());
        assertEquals(0, c.errorPointer());
        assertTrue(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(0, true, 1)), Ipv6Packet.NEXT_HEADER_TCP, 24)));
        assertTrue(c.check(packet(List.of(new Ipv6ExtensionHeader.Fragment(8, true, 1)), Ipv6Packet.NEXT_HEADER_TCP, 8)),
                "later fragments carry data only");
    }

    @Test
    void truncatedAndMalformedHeadersAreDroppedWithoutAPointer() {
        Ipv6Packet p = packet(List.of(destinationOption(Ipv6Option.PAD_N, 4)), Ipv6Packet.NEXT_HEADER_UDP, 0);
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        p.buffer().put(p.payloadOffset() + 1, (byte) 1); // claims 16 bytes, has 8
        assertFalse(c.check(p));
        assertEquals(WireError.TRUNCATED, c.error());
        assertEquals(-1, c.errorPointer());
        p.buffer().put(p.payloadOffset() + 1, (byte) 0);
        p.buffer().put(p.payloadOffset() + 3, (byte) 9); // PadN runs past the header
        assertFalse(c.check(p));
        assertEquals(WireError.BAD_OPTIONS, c.error());
        assertEquals(-1, c.errorPointer());
    }

    @Test
    void tooManyHeaders() {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 * (Ipv6HeaderChain.MAX_HEADERS + 1));
        Ipv6Repr.of(SRC, DST, Ipv6HeaderChain.DESTINATION_OPTIONS, 64, b.limit() - 40).emit(b, 0);
        for (int i = 0; i <= Ipv6HeaderChain.MAX_HEADERS; i++) {
            new Ipv6ExtensionHeader.DestinationOptions(Ipv6Option.padded(List.of()))
                    .emit(b, 40 + 8 * i, i == Ipv6HeaderChain.MAX_HEADERS ? Ipv6HeaderChain.NO_NEXT_HEADER
                            : Ipv6HeaderChain.DESTINATION_OPTIONS);
        }
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.check(b, 0, b.limit()));
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertFalse(c.check(p));
        assertEquals(WireError.TOO_MANY_HEADERS, c.error());
    }

    @Test
    void noNextHeaderEndsTheChain() {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertTrue(c.check(packet(List.of(), Ipv6HeaderChain.NO_NEXT_HEADER, 5)));
        assertEquals(Ipv6HeaderChain.NO_NEXT_HEADER, c.upperLayerProtocol());
    }

    @Test
    void optionsPaddingFillsToEightOctets() {
        assertEquals(List.of(), Ipv6Option.padded(List.of()).subList(0, 0));
        assertEquals(8, new Ipv6ExtensionHeader.HopByHopOptions(Ipv6Option.padded(List.of(Ipv6Option.routerAlertMld()))).bufferLen());
        assertEquals(new Ipv6Option(Ipv6Option.PAD1, Octets.EMPTY),
                Ipv6Option.padded(List.of(new Ipv6Option(0x1e, Octets.of(new byte[3])))).getLast());
        assertThrows(IllegalArgumentException.class, () -> new Ipv6ExtensionHeader.DestinationOptions(List.of(Ipv6Option.routerAlertMld())));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Option(Ipv6Option.PAD1, Octets.of((byte) 0)));
    }

    @Test
    void versionAndLength() {
        Ipv6Packet p = new Ipv6Packet();
        assertFalse(p.check(ByteBuffer.allocate(39), 0, 39));
        assertEquals(WireError.TRUNCATED, p.error());
        ByteBuffer b = ByteBuffer.allocate(60);
        Ipv6Repr.of(SRC, DST, 17, 1, 20).emit(b, 0);
        assertTrue(p.check(b, 0, 60));
        assertFalse(p.check(b, 0, 59));
        assertTrue(p.checkQuoted(b, 0, 50));
        assertEquals(10, p.payloadLength());
        b.put(0, (byte) 0x45);
        assertFalse(p.check(b, 0, 60));
        assertEquals(WireError.BAD_VERSION, p.error());
        assertThrows(IndexOutOfBoundsException.class, p::hopLimit, "an unbound view throws");
    }
}
