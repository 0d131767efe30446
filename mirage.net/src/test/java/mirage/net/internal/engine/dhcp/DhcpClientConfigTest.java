package mirage.net.internal.engine.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/** The configuration is validated when built, with messages that name the setting. */
class DhcpClientConfigTest {

    private static void refused(String expected, UnaryOperator<DhcpClientConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(DhcpClientConfig.builder()).build());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void defaults_rfc2131Timeouts() {
        DhcpClientConfig c = DhcpClientConfig.DEFAULTS;
        assertEquals(4_000_000_000L, c.initialTimeoutNanos());
        assertEquals(64_000_000_000L, c.maxTimeoutNanos());
        assertEquals(1_000_000_000L, c.jitterNanos());
        assertEquals(List.of(1, 3, 6, 15, 51, 58, 59, 26), c.parameterRequestList());
        assertEquals(DhcpClientConfig.Replies.BROADCAST, c.replies());
    }

    @Test
    void hostName_rfc1123() {
        DhcpClientConfig.builder().hostName("echo-1.example").build();
        refused("1 to 253", b -> b.hostName(""));
        refused("hyphen", b -> b.hostName("-echo"));
        refused("label", b -> b.hostName("a..b"));
        refused("not a letter", b -> b.hostName("echo_1"));
        refused("1 to 63", b -> b.hostName("a".repeat(64)));
    }

    @Test
    void requestedAddress_mustBeAHostAddress() {
        refused("not a host address", b -> b.requestedAddress(Ipv4Address.BROADCAST));
        refused("not a host address", b -> b.requestedAddress(Ipv4Address.LOCALHOST));
    }

    @Test
    void clientIdentifier_twoTo255Bytes() {
        refused("client identifier", b -> b.clientIdentifier(Octets.of((byte) 1)));
        refused("client identifier", b -> b.clientIdentifier(Octets.of(new byte[256])));
    }

    @Test
    void parameterRequestList_codes() {
        refused("1 to 254 option codes", b -> b.parameterRequestList(List.of()));
        refused("repeats", b -> b.parameterRequestList(List.of(1, 1)));
        refused("not an option code", b -> b.parameterRequestList(List.of(255)));
        refused("not an option code", b -> b.parameterRequestList(List.of(0)));
    }

    @Test
    void maximumMessageSize_rfc2132() {
        refused("576 to 65535", b -> b.maximumMessageSize(575));
    }

    @Test
    void timeouts_consistent() {
        refused("must exceed jitterNanos", b -> b.jitterNanos(4_000_000_000L));
        refused("jitterNanos must not be negative", b -> b.jitterNanos(-1));
        refused("maxTimeoutNanos", b -> b.maxTimeoutNanos(1));
        refused("requestAttempts", b -> b.requestAttempts(0));
    }

    @Test
    void toBuilder_roundTrips() {
        DhcpClientConfig c = DhcpClientConfig.builder().hostName("h").requestedAddress(Ipv4Address.parse("10.0.0.9"))
                .maximumMessageSize(1500).replies(DhcpClientConfig.Replies.UNICAST).requestAttempts(2).build();
        assertEquals(c, c.toBuilder().build());
    }
}
