package mirage.net;

/**
 * The protocol number of an IPv4 packet's payload (the IPv6 "next header"), from IANA's
 * "Assigned Internet Protocol Numbers". A record, not an enum, because packets carry numbers
 * this stack does not know; they are answered with an ICMP protocol unreachable and counted.
 *
 * @param value the number, 0-255
 */
public record IpProtocol(int value) {

    /** 1, Internet Control Message Protocol (RFC 792). */
    public static final IpProtocol ICMP = new IpProtocol(1);

    /** 6, Transmission Control Protocol (RFC 9293). */
    public static final IpProtocol TCP = new IpProtocol(6);

    /** 17, User Datagram Protocol (RFC 768). */
    public static final IpProtocol UDP = new IpProtocol(17);

    /** 58, ICMP for IPv6 (RFC 4443). */
    public static final IpProtocol ICMPV6 = new IpProtocol(58);

    /** @throws IllegalArgumentException if {@code value} is outside 0-255 */
    public IpProtocol {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("an IP protocol number is 0-255, got " + value);
        }
    }

    /** The decimal number, as IANA lists it. */
    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
