package mirage.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MirageOS's boot arguments of both families through {@code NetConfig.fromArguments}: what they give, and the one-line errors. */
class NetConfigArgumentsTest {

    static NetConfig args(String ipv4, String gw4, String ipv6, String gw6, boolean v4only, boolean v6only, boolean ra) {
        return NetConfig.fromArguments(ipv4, gw4, ipv6, gw6, v4only, v6only, ra);
    }

    @Test
    void defaults_areDhcpAndLinkLocalIpv6_acceptingRouterAdvertisements() {
        assertEquals(new NetConfig.DualStack(Optional.of(NetConfig.dhcp()), Optional.of(NetConfig.Ipv6Config.linkLocalOnly())),
                args("", "", "", "", false, false, true));
    }

    @Test
    void staticBoth_ipv4Only_ipv6Only() {
        NetConfig.Static v4 = NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24"), Ipv4Address.parse("10.0.0.1"));
        NetConfig.Ipv6Config v6 = new NetConfig.Ipv6Config(Optional.of(Ipv6Cidr.parse("2001:db8::2/64")),
                Optional.of(Ipv6Address.parse("fe80::1")), false);
        assertEquals(new NetConfig.DualStack(Optional.of(v4), Optional.of(v6)),
                args("10.0.0.2/24", "10.0.0.1", "2001:db8::2/64", "fe80::1", false, false, false));
        assertEquals(new NetConfig.DualStack(Optional.of(v4), Optional.empty()), args("10.0.0.2/24", "10.0.0.1", "", "", true, false, true));
        assertEquals(new NetConfig.DualStack(Optional.empty(), Optional.of(v6)),
                args("", "", "2001:db8::2/64", "fe80::1", false, true, false));
        assertEquals(Optional.of(Ipv6Address.parse("2001:db8::1")),
                ((NetConfig.DualStack) args("", "", "2001:db8::2/64", "2001:db8::1", false, false, true)).ipv6().orElseThrow().gateway(),
                "a global gateway on the address's prefix");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|''|''|''|true|true|--ipv4-only and --ipv6-only exclude each other",
        "''|''|2001:db8::2/64|''|true|false|--ipv4-only with --ipv6=2001:db8::2/64: an IPv4-only stack has no IPv6 address",
        "''|''|''|fe80::1|true|false|--ipv4-only with --ipv6-gateway=fe80::1: an IPv4-only stack has no IPv6 address",
        "10.0.0.2/24|''|''|''|false|true|--ipv6-only with --ipv4=10.0.0.2/24: an IPv6-only stack has no IPv4 address",
        "''|''|2001:db8::2|''|false|false|--ipv6: ",
        "''|''|2001:db8::2/64|fe80::1%eth0|false|false|--ipv6-gateway: ",
        "''|''|ff02::1/64|''|false|false|IPv6 address ff02::1/64 is a multicast address, not an interface address",
        "''|''|2001:db8::2/64|2001:db9::1|false|false|IPv6 gateway 2001:db9::1 is neither link-local nor on the prefix of 2001:db8::2/64",
        "''|''|''|2001:db9::1|false|false|IPv6 gateway 2001:db9::1 is neither link-local nor on the prefix of an --ipv6 address",
        "''|''|2001:db8::2/64|2001:db8::2|false|false|IPv6 gateway 2001:db8::2 is the interface's own address",
        "''|''|::ffff:10.0.0.1/96|''|false|false|IPv6 address ::ffff:10.0.0.1/96 is an IPv4-mapped address, not an interface address",
    })
    void badValuesAndContradictions_areOneLineNamingTheOption(String ipv4, String gw4, String ipv6, String gw6, boolean v4only,
            boolean v6only, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> args(ipv4, gw4, ipv6, gw6, v4only, v6only, true));
        assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void dualStack_needsAFamily_andTakesNoNestedDualStack() {
        assertThrows(IllegalArgumentException.class, () -> new NetConfig.DualStack(Optional.empty(), Optional.empty()));
        NetConfig inner = args("", "", "", "", false, false, true);
        assertThrows(IllegalArgumentException.class, () -> new NetConfig.DualStack(Optional.of(inner), Optional.empty()));
    }
}
