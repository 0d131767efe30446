package mirage.net;

/**
 * The type field of an Ethernet II frame (IEEE 802.3 §3.2.6; IANA "IEEE 802 Numbers"): the
 * protocol of the payload. A record, not an enum, because frames carry types this stack does
 * not know; they are dropped and counted, and still need a value to be counted or captured.
 *
 * @param value the 16-bit type, {@code 0x0600} to {@code 0xffff}
 */
public record EtherType(int value) {

    /** {@code 0x0800}, Internet Protocol version 4 (RFC 894). */
    public static final EtherType IPV4 = new EtherType(0x0800);

    /** {@code 0x0806}, Address Resolution Protocol (RFC 826). */
    public static final EtherType ARP = new EtherType(0x0806);

    /** {@code 0x86DD}, Internet Protocol version 6 (RFC 2464). */
    public static final EtherType IPV6 = new EtherType(0x86dd);

    /** {@code 0x8100}, an IEEE 802.1Q VLAN tag: the real type follows the 4-byte tag. */
    public static final EtherType VLAN = new EtherType(0x8100);

    /**
     * @throws IllegalArgumentException if {@code value} is below {@code 0x0600} (values up to
     *     1500 are IEEE 802.3 lengths, not types) or above {@code 0xffff}
     */
    public EtherType {
        if (value < 0x0600 || value > 0xffff) {
            throw new IllegalArgumentException(String.format(
                    "an EtherType is 0x0600-0xffff (smaller values are 802.3 lengths), got 0x%04x", value));
        }
    }

    /** {@code "0x0800"}: four lower-case hexadecimal digits, as tcpdump and Wireshark print it. */
    @Override
    public String toString() {
        return String.format("0x%04x", value);
    }
}
