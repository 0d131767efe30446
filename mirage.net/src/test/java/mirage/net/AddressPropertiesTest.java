package mirage.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Round-trip and canonical-form properties of every address type. */
class AddressPropertiesTest {

    static Gen<MacAddress> macs() {
        return longs().between(0, 0xffff_ffff_ffffL).map(MacAddress::new);
    }

    static Gen<Ipv4Address> ipv4s() {
        return integers().all().map(Ipv4Address::new);
    }

    /**
     * IPv6 addresses biased towards zero groups (so that "::" runs of every length and position
     * occur), plus IPv4-mapped ones.
     */
    static Gen<Ipv6Address> ipv6s() {
        Gen<Integer> group = integers().between(0, 3).zip(integers().between(0, 0xffff), (kind, v) -> switch (kind) {
            case 0, 1 -> 0;
            case 2 -> v & 0xf;
            default -> v;
        });
        Gen<Ipv6Address> plain = lists().of(group).ofSize(8).map(AddressPropertiesTest::fromGroups);
        Gen<Ipv6Address> mapped = ipv4s().map(Ipv6Address::ipv4Mapped);
        return integers().between(0, 9).zip(plain, mapped, (pick, p, m) -> pick == 0 ? m : p);
    }

    static Ipv6Address fromGroups(List<Integer> groups) {
        ByteBuffer b = ByteBuffer.allocate(16);
        groups.forEach(g -> b.putShort((short) (int) g));
        return Ipv6Address.of(b.array());
    }

    @Test
    void macRoundTrips() {
        qt().forAll(macs()).checkAssert(mac -> {
            assertEquals(mac, MacAddress.parse(mac.toString()));
            assertEquals(mac, MacAddress.parse(mac.toString().toUpperCase(Locale.ROOT).replace(':', '-')));
            assertEquals(mac, MacAddress.of(mac.toBytes()));
            assertTrue(mac.toString().matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}"), mac.toString());
        });
    }

    @Test
    void ipv4RoundTrips() {
        qt().forAll(ipv4s()).checkAssert(a -> {
            assertEquals(a, Ipv4Address.parse(a.toString()));
            assertEquals(a, IpAddress.parse(a.toString()));
            assertEquals(a, Ipv4Address.of(a.toBytes()));
            assertEquals(a, Ipv6Address.ipv4Mapped(a).toIpv4Mapped().orElseThrow());
        });
    }

    @Test
    void ipv4CidrRoundTripsAndAgreesWithItsNetwork() {
        qt().forAll(ipv4s(), integers().between(0, 32), ipv4s()).checkAssert((a, len, other) -> {
            Ipv4Cidr cidr = Ipv4Cidr.of(a, len);
            assertEquals(cidr, Ipv4Cidr.parse(cidr.toString()));
            assertTrue(cidr.contains(a));
            assertTrue(cidr.contains(cidr.network()));
            assertTrue(cidr.contains(cidr.broadcast()));
            assertEquals(cidr.network().bits() | ~cidr.netmask().bits(), cidr.broadcast().bits());
            assertEquals(Integer.bitCount(cidr.netmask().bits()), len);
            boolean inside = Integer.compareUnsigned(other.bits(), cidr.network().bits()) >= 0
                    && Integer.compareUnsigned(other.bits(), cidr.broadcast().bits()) <= 0;
            assertEquals(inside, cidr.contains(other));
        });
    }

    @Test
    void ipv6RoundTripsInCanonicalForm() {
        qt().forAll(ipv6s()).checkAssert(a -> {
            String text = a.toString();
            assertEquals(a, Ipv6Address.parse(text));
            assertEquals(a, IpAddress.parse(text));
            assertEquals(a, Ipv6Address.of(a.toBytes()));
            assertCanonical(a, text);
        });
    }

    @Test
    void ipv6LongFormsParseToTheSameAddress() {
        qt().forAll(ipv6s()).checkAssert(a -> {
            StringBuilder full = new StringBuilder();
            for (int g = 0; g < 8; g++) {
                full.append(g == 0 ? "" : ":").append(String.format("%04X", a.group(g)));
            }
            assertEquals(a, Ipv6Address.parse(full.toString()));
            String tail = full.substring(0, 30) + (a.group(6) >>> 8) + "." + (a.group(6) & 0xff) + "."
                    + (a.group(7) >>> 8) + "." + (a.group(7) & 0xff);
            assertEquals(a, Ipv6Address.parse(tail), tail);
        });
    }

    @Test
    void ipv6CidrRoundTrips() {
        qt().forAll(ipv6s(), integers().between(0, 128)).checkAssert((a, len) -> {
            Ipv6Cidr cidr = Ipv6Cidr.of(a, len);
            assertEquals(cidr, Ipv6Cidr.parse(cidr.toString()));
            assertTrue(cidr.contains(a));
            assertTrue(cidr.contains(cidr.network()));
            Ipv6Cidr net = Ipv6Cidr.of(cidr.network(), len);
            assertEquals(net.network(), cidr.network());
        });
    }

    /** RFC 5952 §4 (and §5 for IPv4-mapped addresses), checked against the groups. */
    static void assertCanonical(Ipv6Address a, String text) {
        assertEquals(text.toLowerCase(Locale.ROOT), text, "lower case");
        if (a.isIpv4Mapped()) {
            assertEquals("::ffff:" + a.toIpv4Mapped().orElseThrow(), text);
            return;
        }
        // Longest run of zero groups, first on ties, at least 2 long.
        int bestStart = -1;
        int bestLength = 0;
        for (int g = 0; g < 8; g++) {
            int n = 0;
            while (g + n < 8 && a.group(g + n) == 0) {
                n++;
            }
            if (n > bestLength) {
                bestStart = g;
                bestLength = n;
            }
        }
        if (bestLength < 2) {
            assertFalse(text.contains("::"), "no single-group compression: " + text);
            String[] parts = text.split(":");
            assertEquals(8, parts.length, text);
            for (int g = 0; g < 8; g++) {
                assertEquals(Integer.toHexString(a.group(g)), parts[g], "no leading zeros: " + text);
            }
            return;
        }
        int at = text.indexOf("::");
        assertTrue(at >= 0 && text.indexOf("::", at + 1) < 0, text);
        String head = text.substring(0, at);
        String tail = text.substring(at + 2);
        int headGroups = head.isEmpty() ? 0 : head.split(":").length;
        int tailGroups = tail.isEmpty() ? 0 : tail.split(":").length;
        assertEquals(bestStart, headGroups, "first longest run compressed: " + text);
        assertEquals(8 - bestLength, headGroups + tailGroups, "the whole run compressed: " + text);
        for (String part : (head + (head.isEmpty() || tail.isEmpty() ? "" : ":") + tail).split(":")) {
            assertTrue(part.isEmpty() || part.equals("0") || part.charAt(0) != '0', "no leading zeros: " + text);
        }
    }
}
