package mirage.net.internal.wire;

/**
 * What a node must do with an option of a Hop-by-Hop or Destination Options header that it
 * does not recognise: the two highest-order bits of the Option Type (RFC 8200 section 4.2).
 * The engine acts on it; {@link Ipv6HeaderChain#optionAction()} reports it for the first such
 * option of a packet.
 */
public enum Ipv6OptionAction {
    /** 00: "skip over this option and continue processing the header". */
    SKIP,
    /** 01: "discard the packet". */
    DISCARD,
    /**
     * 10: "discard the packet and, regardless of whether or not the packet's Destination Address
     * was a multicast address, send an ICMP Parameter Problem, Code 2, message to the packet's
     * Source Address, pointing to the unrecognized Option Type".
     */
    DISCARD_AND_REPORT,
    /** 11: as {@link #DISCARD_AND_REPORT}, "only if the packet's Destination Address was not a multicast address". */
    DISCARD_AND_REPORT_UNLESS_MULTICAST;

    private static final Ipv6OptionAction[] BY_BITS = values();

    /** The action the high-order two bits of {@code optionType} call for. */
    public static Ipv6OptionAction of(int optionType) {
        return BY_BITS[optionType >>> 6 & 3];
    }

    /**
     * Whether a Parameter Problem is due for a packet sent to a multicast address or not
     * ({@code toMulticast}).
     */
    public boolean reports(boolean toMulticast) {
        return this == DISCARD_AND_REPORT || this == DISCARD_AND_REPORT_UNLESS_MULTICAST && !toMulticast;
    }

    /** Whether the third-highest bit of {@code optionType} says its data may change en route (RFC 8200 section 4.2). */
    public static boolean mayChangeEnRoute(int optionType) {
        return (optionType & 0x20) != 0;
    }
}
