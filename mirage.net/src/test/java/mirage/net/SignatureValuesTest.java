package mirage.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The values of the signatures: protocol numbers, options, configuration, the pseudo-header sum. */
class SignatureValuesTest {

    @Test
    void etherTypes() {
        assertEquals(0x0800, EtherType.IPV4.value());
        assertEquals(0x0806, EtherType.ARP.value());
        assertEquals(0x86dd, EtherType.IPV6.value());
        assertEquals(0x8100, EtherType.VLAN.value());
        assertEquals("0x86dd", EtherType.IPV6.toString());
        assertEquals(EtherType.IPV4, new EtherType(0x0800));
        assertEquals("an EtherType is 0x0600-0xffff (smaller values are 802.3 lengths), got 0x05dc",
                assertThrows(IllegalArgumentException.class, () -> new EtherType(1500)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EtherType(0x10000));
    }

    @Test
    void ipProtocols() {
        assertEquals(1, IpProtocol.ICMP.value());
        assertEquals(6, IpProtocol.TCP.value());
        assertEquals(17, IpProtocol.UDP.value());
        assertEquals("an IP protocol number is 0-255, got 256",
                assertThrows(IllegalArgumentException.class, () -> new IpProtocol(256)).getMessage());
    }

    @Test
    void ipv4Options() {
        assertEquals(64, Ipv4.Options.DEFAULT.ttl());
        assertEquals("an IPv4 TTL is 1-255, got 0",
                assertThrows(IllegalArgumentException.class,
                        () -> new Ipv4.Options(Ipv4Address.UNSPECIFIED, 0, Ipv4.Fragmentation.ALLOW)).getMessage());
    }

    /** RFC 1071 sum of the pseudo-header, computed the long way over its 12 bytes. */
    @Test
    void pseudoHeaderSumMatchesTheBytes() {
        qt().forAll(integers().all(), integers().all(), integers().between(0, 255), integers().between(0, 0xffff))
                .checkAssert((s, d, p, len) -> {
                    ByteBuffer b = ByteBuffer.allocate(12).putInt(s).putInt(d).put((byte) 0).put((byte) (int) p).putShort((short) (int) len);
                    long sum = 0;
                    for (int i = 0; i < 12; i += 2) {
                        sum += b.getShort(i) & 0xffff;
                    }
                    while (sum > 0xffff) {
                        sum = (sum & 0xffff) + (sum >>> 16);
                    }
                    assertEquals(sum, Ipv4.pseudoHeaderSum(new Ipv4Address(s), new Ipv4Address(d), new IpProtocol(p), len));
                });
        assertThrows(IllegalArgumentException.class,
                () -> Ipv4.pseudoHeaderSum(Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, IpProtocol.UDP, 65536));
    }

    @Test
    void staticConfigurationsThatWork() {
        NetConfig.Static c = NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24"), Ipv4Address.parse("10.0.0.1"));
        assertEquals(Optional.of(Ipv4Address.parse("10.0.0.1")), c.gateway());
        NetConfig.ipv4(Ipv4Cidr.parse("192.0.2.0/31"), Ipv4Address.parse("192.0.2.1"));
        NetConfig.ipv4(Ipv4Cidr.parse("192.0.2.7/32"));
        assertEquals(new NetConfig.Dhcp(), NetConfig.dhcp());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0/24       |          | IPv4 address 0.0.0.0/24 is unspecified, not an interface address
            127.0.0.1/8      |          | IPv4 address 127.0.0.1/8 is a loopback address, not an interface address
            224.0.0.1/24     |          | IPv4 address 224.0.0.1/24 is a multicast address, not an interface address
            255.255.255.255/32 |        | IPv4 address 255.255.255.255/32 is the limited broadcast address, not an interface address
            10.0.0.0/24      |          | IPv4 address 10.0.0.0/24 is the network address of 10.0.0.0/24, not an interface address
            10.0.0.255/24    |          | IPv4 address 10.0.0.255/24 is the broadcast address of its network, not an interface address
            10.0.0.2/24      | 10.0.1.1 | IPv4 gateway 10.0.1.1 is not on the network 10.0.0.0/24 of address 10.0.0.2/24
            10.0.0.2/24      | 10.0.0.2 | IPv4 gateway 10.0.0.2 is the interface's own address
            10.0.0.2/24      | 10.0.0.255 | IPv4 gateway 10.0.0.255 is the network or broadcast address of 10.0.0.0/24
            10.0.0.2/24      | 10.0.0.0 | IPv4 gateway 10.0.0.0 is the network or broadcast address of 10.0.0.0/24
            """)
    void staticConfigurationsRefused(String cidr, String gateway, String message) {
        Ipv4Cidr c = Ipv4Cidr.parse(cidr);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NetConfig.Static(c, Optional.ofNullable(gateway).map(Ipv4Address::parse)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void netExceptionKeepsItsReason() {
        NetException e = new NetException(NetException.Reason.NO_ROUTE, "no route to 192.0.2.1");
        assertEquals(NetException.Reason.NO_ROUTE, e.reason());
        assertThrows(NullPointerException.class, () -> new NetException(null, "x"));
    }

    @Test
    void tcpValues() {
        Tcp.Endpoint e = new Tcp.Endpoint(Ipv4Address.parse("10.0.0.1"), 80);
        assertEquals("10.0.0.1:80", e.toString());
        assertThrows(IllegalArgumentException.class, () -> new Tcp.Endpoint(Ipv4Address.parse("10.0.0.1"), 65536));
        assertEquals(new Tcp.Options(false, null), Tcp.Options.DEFAULT);
        Tcp.Keepalive k = new Tcp.Keepalive(java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(10), 5);
        assertEquals(new Tcp.Options(true, k), Tcp.Options.DEFAULT.withNoDelay(true).withKeepalive(k));
        assertThrows(IllegalArgumentException.class,
                () -> new Tcp.Keepalive(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Tcp.Keepalive(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 0));
    }
}
