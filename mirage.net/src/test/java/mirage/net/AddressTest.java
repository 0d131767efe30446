package mirage.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Examples of accepted and refused text for each address type, with the exact messages. */
class AddressTest {

    static String refusal(Function<String, ?> parser, String text) {
        return assertThrows(IllegalArgumentException.class, () -> parser.apply(text)).getMessage();
    }

    // ---------------------------------------------------------------- MAC

    @Test
    void macParsesColonAndDashFormsInEitherCase() {
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        assertEquals(0x0200_0000_0001L, mac.bits());
        assertEquals(mac, MacAddress.parse("02-00-00-00-00-01"));
        assertEquals(MacAddress.parse("aa:bb:cc:dd:ee:ff"), MacAddress.parse("AA-BB-cc-DD-ee-FF"));
        assertEquals("aa:bb:cc:dd:ee:ff", MacAddress.parse("AA-BB-CC-DD-EE-FF").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                   | MAC address "": expected 6 groups of 2 hexadecimal digits separated by ':' or '-' (17 characters), got 0 characters
            2:0:0:0:0:1          | MAC address "2:0:0:0:0:1": expected 6 groups of 2 hexadecimal digits separated by ':' or '-' (17 characters), got 11 characters
            02:00:00-00:00:01    | MAC address "02:00:00-00:00:01": expected ':' at index 8, found '-' (one separator throughout)
            02.00.00.00.00.01    | MAC address "02.00.00.00.00.01": expected ':' or '-' at index 2, found '.'
            02:00:00:00:00:0g    | MAC address "02:00:00:00:00:0g": expected a hexadecimal digit at index 16, found 'g'
            ' 2:00:00:00:00:01'  | MAC address " 2:00:00:00:00:01": expected a hexadecimal digit at index 0, found U+0020
            0200.0000.0001xxx    | MAC address "0200.0000.0001xxx": expected ':' or '-' at index 2, found '0'
            """)
    void macRefusals(String text, String message) {
        assertEquals(message, refusal(MacAddress::parse, text));
    }

    @Test
    void macPredicates() {
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddress.parse("01:00:5e:00:00:01").isBroadcast());
        MacAddress local = MacAddress.parse("02:00:00:00:00:01");
        assertTrue(local.isUnicast());
        assertTrue(local.isLocallyAdministered());
        assertFalse(MacAddress.parse("00:1b:21:00:00:01").isLocallyAdministered());
    }

    @Test
    void macBytesAndBuffers() {
        byte[] octets = {2, 0, 0, 0, 0, (byte) 0xfe};
        MacAddress mac = MacAddress.of(octets);
        assertEquals("02:00:00:00:00:fe", mac.toString());
        assertArrayEquals(octets, mac.toBytes());
        ByteBuffer b = ByteBuffer.allocate(10).position(3);
        mac.write(b, 4);
        assertEquals(3, b.position());
        assertEquals(mac, MacAddress.read(b, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> MacAddress.read(b, 5));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
        assertEquals("MAC address bits 0x1000000000000 exceed 48 bits",
                assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48)).getMessage());
    }

    // ---------------------------------------------------------------- IPv4

    @Test
    void ipv4ParsesDottedQuads() {
        assertEquals(0x0a00_0002, Ipv4Address.parse("10.0.0.2").bits());
        assertEquals(Ipv4Address.BROADCAST, Ipv4Address.parse("255.255.255.255"));
        assertEquals(Ipv4Address.UNSPECIFIED, Ipv4Address.parse("0.0.0.0"));
        assertEquals(Ipv4Address.of(192, 168, 1, 100), Ipv4Address.parse("192.168.1.100"));
        assertEquals("192.168.1.100", Ipv4Address.of(192, 168, 1, 100).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''               | IPv4 address "": empty, expected 4 decimal octets separated by '.'
            01.2.3.4         | IPv4 address "01.2.3.4": octet 1 "01" has a leading zero (refused: other parsers read it as octal)
            1.2.3.010        | IPv4 address "1.2.3.010": octet 4 "010" has a leading zero (refused: other parsers read it as octal)
            1.2.3.00         | IPv4 address "1.2.3.00": octet 4 "00" has a leading zero (refused: other parsers read it as octal)
            1.2.3.256        | IPv4 address "1.2.3.256": octet 4 is 256, above 255
            1.2.3.1000       | IPv4 address "1.2.3.1000": octet 4 has more than 3 digits
            1.2.3            | IPv4 address "1.2.3": expected 4 decimal octets separated by '.', found 3
            1.2.3.4.5        | IPv4 address "1.2.3.4.5": unexpected '.' at index 7 after 4 octets
            1..3.4           | IPv4 address "1..3.4": expected a decimal digit at index 2 (octet 2), found '.'
            1.2.3.           | IPv4 address "1.2.3.": expected a decimal digit at index 6 (octet 4), found the end
            ' 1.2.3.4'       | IPv4 address " 1.2.3.4": expected a decimal digit at index 0 (octet 1), found U+0020
            '1.2.3.4 '       | IPv4 address "1.2.3.4 ": unexpected U+0020 at index 7 after 4 octets
            0x0a.0.0.1       | IPv4 address "0x0a.0.0.1": expected '.' or a decimal digit at index 1, found 'x'
            167772161        | IPv4 address "167772161": octet 1 has more than 3 digits
            1.2.3.٤          | IPv4 address "1.2.3.\\u0664": expected a decimal digit at index 6 (octet 4), found U+0664
            1.2.3.4/24       | IPv4 address "1.2.3.4/24": unexpected '/' at index 7 after 4 octets
            """)
    void ipv4Refusals(String text, String message) {
        assertEquals(message, refusal(Ipv4Address::parse, text));
    }

    @Test
    void longInputsAreCutInMessages() {
        String text = "1".repeat(100);
        assertEquals("IPv4 address \"" + "1".repeat(64) + "...\" (100 characters): octet 1 has more than 3 digits",
                refusal(Ipv4Address::parse, text));
    }

    @Test
    void ipv4Predicates() {
        assertTrue(Ipv4Address.parse("0.0.0.0").isUnspecified());
        assertTrue(Ipv4Address.parse("255.255.255.255").isBroadcast());
        assertTrue(Ipv4Address.parse("224.0.0.1").isMulticast());
        assertTrue(Ipv4Address.parse("239.255.255.255").isMulticast());
        assertFalse(Ipv4Address.parse("240.0.0.1").isMulticast());
        assertTrue(Ipv4Address.parse("127.1.2.3").isLoopback());
        assertTrue(Ipv4Address.parse("169.254.7.8").isLinkLocal());
        assertFalse(Ipv4Address.parse("169.253.7.8").isLinkLocal());
        for (String p : new String[] {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1"}) {
            assertTrue(Ipv4Address.parse(p).isPrivate(), p);
        }
        for (String p : new String[] {"11.0.0.1", "172.15.0.1", "172.32.0.1", "192.169.0.1", "8.8.8.8"}) {
            assertFalse(Ipv4Address.parse(p).isPrivate(), p);
        }
    }

    @Test
    void ipv4OrderIsUnsigned() {
        assertTrue(Ipv4Address.parse("200.0.0.1").compareTo(Ipv4Address.parse("10.0.0.1")) > 0);
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(0, 0, 0, -1));
    }

    // ---------------------------------------------------------------- CIDR

    @Test
    void ipv4CidrNetworkBroadcastContains() {
        Ipv4Cidr cidr = Ipv4Cidr.parse("10.0.0.2/24");
        assertEquals(Ipv4Address.parse("10.0.0.2"), cidr.address());
        assertEquals(24, cidr.prefixLength());
        assertEquals(Ipv4Address.parse("10.0.0.0"), cidr.network());
        assertEquals(Ipv4Address.parse("10.0.0.255"), cidr.broadcast());
        assertEquals(Ipv4Address.parse("255.255.255.0"), cidr.netmask());
        assertTrue(cidr.contains(Ipv4Address.parse("10.0.0.200")));
        assertFalse(cidr.contains(Ipv4Address.parse("10.0.1.2")));
        assertTrue(cidr.isBroadcast(Ipv4Address.parse("10.0.0.255")));
        assertFalse(cidr.isBroadcast(Ipv4Address.BROADCAST));
        assertEquals("10.0.0.2/24", cidr.toString());

        Ipv4Cidr all = Ipv4Cidr.parse("0.0.0.0/0");
        assertTrue(all.contains(Ipv4Address.parse("203.0.113.9")));
        assertEquals(Ipv4Address.UNSPECIFIED, all.netmask());
        Ipv4Cidr host = Ipv4Cidr.parse("192.0.2.1/32");
        assertEquals(Ipv4Address.parse("192.0.2.1"), host.network());
        assertFalse(host.contains(Ipv4Address.parse("192.0.2.2")));
        assertFalse(host.isBroadcast(host.broadcast()));
        Ipv4Cidr p2p = Ipv4Cidr.parse("192.0.2.0/31");
        assertFalse(p2p.isBroadcast(Ipv4Address.parse("192.0.2.1")));
        assertTrue(p2p.contains(Ipv4Address.parse("192.0.2.1")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.2          | IPv4 CIDR "10.0.0.2": expected ADDRESS/LENGTH, found no '/'
            10.0.0.2/         | IPv4 CIDR "10.0.0.2/": missing prefix length after '/'
            10.0.0.2/33       | IPv4 CIDR "10.0.0.2/33": prefix length 33 is above 32
            10.0.0.2/08       | IPv4 CIDR "10.0.0.2/08": prefix length "08" has a leading zero
            10.0.0.2/-1       | IPv4 CIDR "10.0.0.2/-1": expected a decimal digit at index 9 (prefix length), found '-'
            10.0.0.2/24/24    | IPv4 CIDR "10.0.0.2/24/24": expected a decimal digit at index 11 (prefix length), found '/'
            10.0.0.2/1000     | IPv4 CIDR "10.0.0.2/1000": prefix length has more than 3 digits, the most is 32
            010.0.0.2/24      | IPv4 CIDR "010.0.0.2/24": octet 1 "010" has a leading zero (refused: other parsers read it as octal)
            10.0.0/24         | IPv4 CIDR "10.0.0/24": expected 4 decimal octets separated by '.', found 3
            /24               | IPv4 CIDR "/24": empty, expected 4 decimal octets separated by '.'
            10.0.0.2/255.255.255.0 | IPv4 CIDR "10.0.0.2/255.255.255.0": expected a decimal digit at index 12 (prefix length), found '.'
            """)
    void ipv4CidrRefusals(String text, String message) {
        assertEquals(message, refusal(Ipv4Cidr::parse, text));
    }

    @Test
    void cidrConstructorsCheckLengths() {
        assertEquals("IPv4 prefix length must be 0-32, got 33",
                assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.of(Ipv4Address.UNSPECIFIED, 33)).getMessage());
        assertEquals("IPv6 prefix length must be 0-128, got -1",
                assertThrows(IllegalArgumentException.class, () -> Ipv6Cidr.of(Ipv6Address.UNSPECIFIED, -1)).getMessage());
    }

    // ---------------------------------------------------------------- IPv6

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ::                                      | ::
            ::1                                     | ::1
            1::                                     | 1::
            2001:DB8:0:0:0:0:0:1                    | 2001:db8::1
            2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1
            2001:db8::0:1                           | 2001:db8::1
            2001:db8:0:0:1:0:0:1                    | 2001:db8::1:0:0:1
            2001:0:0:1:0:0:0:1                      | 2001:0:0:1::1
            2001:db8:0:1:1:1:1:1                    | 2001:db8:0:1:1:1:1:1
            2001:db8::1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1
            1:2:3:4:5:6:7::                         | 1:2:3:4:5:6:7:0
            ::2:3:4:5:6:7:8                         | 0:2:3:4:5:6:7:8
            fe80::1:2                               | fe80::1:2
            ::ffff:192.0.2.1                        | ::ffff:192.0.2.1
            0:0:0:0:0:ffff:c000:0201                | ::ffff:192.0.2.1
            ::192.0.2.1                             | ::c000:201
            64:ff9b::192.0.2.33                     | 64:ff9b::c000:221
            1:2:3:4:5:6:1.2.3.4                     | 1:2:3:4:5:6:102:304
            ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
            """)
    void ipv6ParsesRfc4291AndPrintsRfc5952(String text, String canonical) {
        Ipv6Address a = Ipv6Address.parse(text);
        assertEquals(canonical, a.toString());
        assertEquals(a, Ipv6Address.parse(canonical));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                      | IPv6 address "": empty
            :                       | IPv6 address ":": a leading ':' must be part of "::"
            :1::                    | IPv6 address ":1::": a leading ':' must be part of "::"
            1:                      | IPv6 address "1:": ends with a single ':'
            :::                     | IPv6 address ":::": expected a hexadecimal digit at index 2, found ':'
            1::2::3                 | IPv6 address "1::2::3": "::" appears more than once
            1:2:3:4:5:6:7           | IPv6 address "1:2:3:4:5:6:7": expected 8 groups, found 7 and no "::"
            1:2:3:4:5:6:7:8:9       | IPv6 address "1:2:3:4:5:6:7:8:9": more than 8 groups
            1:2:3:4::5:6:7:8        | IPv6 address "1:2:3:4::5:6:7:8": "::" stands for at least one zero group, but 8 groups are already written
            12345::                 | IPv6 address "12345::": group 1 at index 0 has more than 4 hexadecimal digits
            fe80::1%eth0            | IPv6 address "fe80::1%eth0": expected ':' or a hexadecimal digit at index 7, found '%' (zone identifiers are not supported)
            2001:db8::/32           | IPv6 address "2001:db8::/32": expected a hexadecimal digit at index 10, found '/'
            2001:db8::1/64          | IPv6 address "2001:db8::1/64": expected ':' or a hexadecimal digit at index 11, found '/' (a prefix is not an address)
            [::1]                   | IPv6 address "[::1]": expected a hexadecimal digit at index 0, found '['
            ' ::1'                  | IPv6 address " ::1": expected a hexadecimal digit at index 0, found U+0020
            ::1.2.3                 | IPv6 address "::1.2.3": expected 4 decimal octets separated by '.', found 3
            ::01.2.3.4              | IPv6 address "::01.2.3.4": octet 1 "01" has a leading zero (refused: other parsers read it as octal)
            1.2.3.4::               | IPv6 address "1.2.3.4::": unexpected ':' at index 7 after 4 octets
            1:2:3:4:5:6:7:1.2.3.4   | IPv6 address "1:2:3:4:5:6:7:1.2.3.4": an IPv4 tail at index 14 leaves no room: it takes 2 of the 8 groups
            ::g                     | IPv6 address "::g": expected a hexadecimal digit at index 2, found 'g'
            1.2.3.4                 | IPv6 address "1.2.3.4": expected 8 groups, found 2 and no "::"
            """)
    void ipv6Refusals(String text, String message) {
        assertEquals(message, refusal(Ipv6Address::parse, text));
    }

    @Test
    void ipv6Predicates() {
        assertTrue(Ipv6Address.parse("::").isUnspecified());
        assertTrue(Ipv6Address.parse("::1").isLoopback());
        assertTrue(Ipv6Address.parse("ff02::1").isMulticast());
        assertTrue(Ipv6Address.parse("fe80::1").isLinkLocal());
        assertTrue(Ipv6Address.parse("febf::1").isLinkLocal());
        assertFalse(Ipv6Address.parse("fec0::1").isLinkLocal());
        assertTrue(Ipv6Address.parse("fd00::1").isUniqueLocal());
        assertTrue(Ipv6Address.parse("fc00::1").isUniqueLocal());
        assertFalse(Ipv6Address.parse("fe00::1").isUniqueLocal());
        Ipv6Address mapped = Ipv6Address.ipv4Mapped(Ipv4Address.parse("192.0.2.1"));
        assertEquals("::ffff:192.0.2.1", mapped.toString());
        assertEquals(Optional.of(Ipv4Address.parse("192.0.2.1")), mapped.toIpv4Mapped());
        assertEquals(Optional.empty(), Ipv6Address.LOOPBACK.toIpv4Mapped());
        assertEquals(0xdb8, Ipv6Address.parse("2001:db8::1").group(1));
    }

    @Test
    void ipv6BytesAndBuffers() {
        Ipv6Address a = Ipv6Address.parse("2001:db8::102:304");
        byte[] b = a.toBytes();
        assertEquals(0x20, b[0]);
        assertEquals(0x04, b[15]);
        assertEquals(a, Ipv6Address.of(b));
        assertThrows(IndexOutOfBoundsException.class, () -> Ipv6Address.read(ByteBuffer.allocate(17), 2));
    }

    @Test
    void ipv6Cidr() {
        Ipv6Cidr c = Ipv6Cidr.parse("2001:db8::1/64");
        assertEquals(Ipv6Address.parse("2001:db8::"), c.network());
        assertTrue(c.contains(Ipv6Address.parse("2001:db8::ffff:1")));
        assertFalse(c.contains(Ipv6Address.parse("2001:db8:0:1::1")));
        assertEquals(Ipv6Address.parse("2001:db8::1"), Ipv6Cidr.parse("2001:db8::1/128").network());
        assertEquals(Ipv6Address.parse("2001:c00::"), Ipv6Cidr.parse("2001:db8::1/22").network());
        assertEquals(Ipv6Address.parse("2001:db8::1:0:0"), Ipv6Cidr.parse("2001:db8::1:2:3/96").network());
        assertEquals("IPv6 CIDR \"::1/129\": prefix length 129 is above 128", refusal(Ipv6Cidr::parse, "::1/129"));
        assertEquals("IPv6 CIDR \"::1%0/64\": expected ':' or a hexadecimal digit at index 3, found '%' (zone identifiers are not supported)",
                refusal(Ipv6Cidr::parse, "::1%0/64"));
    }

    @Test
    void ipAddressPicksTheFamily() {
        assertInstanceOf(Ipv4Address.class, IpAddress.parse("10.0.0.1"));
        assertInstanceOf(Ipv6Address.class, IpAddress.parse("::1"));
        assertEquals("IPv4 address \"x\": expected a decimal digit at index 0 (octet 1), found 'x'", refusal(IpAddress::parse, "x"));
    }
}
