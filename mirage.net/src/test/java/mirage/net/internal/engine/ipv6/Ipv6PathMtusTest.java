package mirage.net.internal.engine.ipv6;

import static mirage.net.internal.engine.ipv6.V6.PEER;
import static mirage.net.internal.engine.ipv6.V6.SECOND;
import static mirage.net.internal.engine.ipv6.V6.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ip.PathMtus;
import mirage.net.internal.engine.ipv6.Ipv6PathMtus.Update;
import mirage.net.internal.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;

/** RFC 8201: Packet Too Big lowers a destination's path MTU, never below 1280, never above the link; ten minutes later the link MTU is tried again. */
class Ipv6PathMtusTest {
    static final Ipv6Address FAR = Ipv6Address.parse("2001:db8:5::7");

    final Ipv6PathMtus mtus = new Ipv6PathMtus(4, 9000);

    /** What a Packet Too Big quotes: the first 1232 octets of a packet of {@code length} octets we sent to {@code destination}. */
    static Ipv6Packet quote(Ipv6Address destination, int length) {
        byte[] whole = V6.packet(US, destination, 17, List.of(), new byte[length - Ipv6Packet.HEADER_LENGTH]);
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.checkQuoted(ByteBuffer.wrap(whole), 0, Math.min(length, 1232)));
        return p;
    }

    @Test
    void noEntry_linkMtu() {
        assertEquals(9000, mtus.pathMtu(0, FAR));
    }

    @Test
    void packetTooBig_lowersThatDestinationOnly() {
        assertEquals(Update.LOWERED, mtus.packetTooBig(0, 1500, quote(FAR, 9000)));
        assertEquals(1500, mtus.pathMtu(SECOND, FAR));
        assertEquals(9000, mtus.pathMtu(SECOND, PEER));
        assertEquals(Update.LOWERED, mtus.packetTooBig(SECOND, 1400, quote(FAR, 1500)));
        assertEquals(1400, mtus.pathMtu(SECOND, FAR));
    }

    @Test
    void belowMinimum_floorIs1280() {
        assertEquals(Update.LOWERED, mtus.packetTooBig(0, 68, quote(FAR, 1500)));
        assertEquals(1280, mtus.pathMtu(0, FAR));
        assertEquals(Update.QUOTE_FITS, mtus.packetTooBig(0, 0, quote(FAR, 1280)));
        assertEquals(1280, mtus.pathMtu(0, FAR));
    }

    @Test
    void higherOrEqual_neverRaises() {
        mtus.packetTooBig(0, 1400, quote(FAR, 1500));
        assertEquals(Update.NOT_LOWER, mtus.packetTooBig(0, 2000, quote(FAR, 3000)));
        assertEquals(Update.NOT_LOWER, mtus.packetTooBig(0, 1400, quote(FAR, 3000)));
        assertEquals(1400, mtus.pathMtu(0, FAR));
    }

    @Test
    void aboveLinkMtu_ignored() {
        assertEquals(Update.ABOVE_LINK_MTU, mtus.packetTooBig(0, 9001, quote(FAR, 9000)));
        assertEquals(Update.ABOVE_LINK_MTU, mtus.packetTooBig(0, 0xffff_ffffL, quote(FAR, 9000)));
        assertEquals(9000, mtus.pathMtu(0, FAR));
        assertEquals(2, mtus.count(Update.ABOVE_LINK_MTU));
    }

    @Test
    void quotedPacketWouldHaveFitted_ignored() {
        assertEquals(Update.QUOTE_FITS, mtus.packetTooBig(0, 1500, quote(FAR, 1500)));
        assertEquals(Update.QUOTE_FITS, mtus.packetTooBig(0, 1500, quote(FAR, 1400)));
        assertEquals(9000, mtus.pathMtu(0, FAR));
    }

    @Test
    void tenMinutesAfter_linkMtuTriedAgain_laterReportRestartsTheTimer() {
        mtus.packetTooBig(0, 1500, quote(FAR, 9000));
        assertEquals(1500, mtus.pathMtu(PathMtus.LIFETIME_NANOS - 1, FAR));
        assertEquals(9000, mtus.pathMtu(PathMtus.LIFETIME_NANOS, FAR));
        assertEquals(600 * SECOND, PathMtus.LIFETIME_NANOS);
        mtus.packetTooBig(100 * SECOND, 1500, quote(FAR, 9000));
        mtus.packetTooBig(500 * SECOND, 1400, quote(FAR, 1500));
        assertEquals(1400, mtus.pathMtu(1099 * SECOND, FAR));
        assertEquals(9000, mtus.pathMtu(1100 * SECOND, FAR));
    }

    @Test
    void linkMtuLowered_boundsLearnedValues() {
        mtus.packetTooBig(0, 4000, quote(FAR, 9000));
        mtus.setLinkMtu(1500);
        assertEquals(1500, mtus.pathMtu(0, FAR));
        assertEquals(1500, mtus.pathMtu(0, PEER));
        assertThrows(IllegalArgumentException.class, () -> mtus.setLinkMtu(1279));
    }

    @Test
    void fullTable_oldestGivesWay() {
        for (int i = 0; i < 5; i++) {
            mtus.packetTooBig(i * SECOND, 1500 + i, quote(new Ipv6Address(FAR.high(), i), 9000));
        }
        assertEquals(9000, mtus.pathMtu(5 * SECOND, new Ipv6Address(FAR.high(), 0)));
        for (int i = 1; i < 5; i++) {
            assertEquals(1500 + i, mtus.pathMtu(5 * SECOND, new Ipv6Address(FAR.high(), i)));
        }
    }

    @Test
    void ipv4AndIpv6Keys_distinct() {
        PathMtus table = new PathMtus(4);
        table.put(0, 0x0a000001, 1400);
        assertEquals(1400, table.get(0, 0x0a000001));
        assertEquals(0, table.get(0, 0, 0x0a000001L));
        assertEquals(1400, table.get(0, 0, 0xffff_0a00_0001L));
    }
}
