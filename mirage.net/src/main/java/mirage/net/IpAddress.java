package mirage.net;

import java.util.Objects;

/**
 * An IP address of either family (mirage's {@code Ipaddr.t}): an {@link Ipv4Address} or an
 * {@link Ipv6Address}. Sealed: there is no third family.
 */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {

    /**
     * Parses an IPv6 address if {@code text} contains {@code ':'}, otherwise an IPv4 address,
     * with the rules of {@link Ipv4Address#parse} and {@link Ipv6Address#parse}.
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks
     */
    static IpAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        return text.indexOf(':') >= 0 ? Ipv6Address.parse(text) : Ipv4Address.parse(text);
    }

    /** Whether this is the unspecified address ({@code 0.0.0.0} or {@code ::}). */
    boolean isUnspecified();

    /** Whether this is a loopback address ({@code 127.0.0.0/8} or {@code ::1}). */
    boolean isLoopback();

    /** Whether this is a multicast address ({@code 224.0.0.0/4} or {@code ff00::/8}). */
    boolean isMulticast();

    /** Whether this is a link-local unicast address ({@code 169.254.0.0/16} or {@code fe80::/10}). */
    boolean isLinkLocal();
}
