package mirage.net.internal.wire.dhcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The DHCP messages of a real exchange, captured on a veth pair between network namespaces:
 * dnsmasq 2.89 serving, ISC dhclient 4.4.3 and then BusyBox 1.35.0 udhcpc asking (Debian 12).
 * They are the fuzz seeds of {@link DhcpMessageFuzzTest#parse}; {@code dnsmasq-exchange.pcap}
 * beside them is the whole capture and {@code README.md} says how it was made.
 */
final class Seeds {
    static final List<String> NAMES = List.of(
            "dhclient-discover", "dnsmasq-offer", "dhclient-request", "dnsmasq-ack",
            "dhclient-request-again", "dnsmasq-ack-again",
            "udhcpc-discover", "dnsmasq-offer-udhcpc", "udhcpc-request", "dnsmasq-ack-udhcpc");

    private Seeds() {}

    static byte[] get(String name) {
        try (InputStream in = Seeds.class.getResourceAsStream("DhcpMessageFuzzTestInputs/parse/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing seed " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
