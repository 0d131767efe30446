package mirage.net.internal.wire;

/**
 * Why bytes are not a well-formed packet of the type asked for. A value of this enum is all a
 * failed {@code check} or {@code parse} reports: bytes from the network never raise an
 * exception in this package. Engines count drops by these reasons.
 */
public enum WireError {
    /**
     * The buffer is shorter than the fixed header, or than a length the packet declares (DHCP:
     * than the 236-byte fixed header plus the 4-byte magic cookie, RFC 2131 section 2).
     */
    TRUNCATED,
    /** Ethernet: the type/length field is below 0x0600, an IEEE 802.3 length (RFC 894 covers Ethernet II only). */
    NOT_ETHERNET_II,
    /** Ethernet: more 802.1Q/802.1ad tags than {@link EthernetFrame#MAX_TAGS}. */
    TOO_MANY_TAGS,
    /** ARP: hardware or protocol type or length other than Ethernet (1, 6) and IPv4 (0x0800, 4). */
    UNSUPPORTED_ADDRESSES,
    /** ARP: an operation other than request (1) or reply (2). */
    UNSUPPORTED_OPERATION,
    /** IPv4: the version field is not 4. */
    BAD_VERSION,
    /** IPv4: IHL below 5 words (RFC 791 section 3.1, "the minimum value ... is 5"). */
    BAD_HEADER_LENGTH,
    /** IPv4: total length below the header length; UDP: length below 8. */
    BAD_LENGTH,
    /** A checksum that does not verify. */
    BAD_CHECKSUM,
    /** IPv4: an option whose length runs past the header or is below 2. */
    BAD_OPTIONS,
    /** IPv4: the reserved flag bit is set (RFC 791 section 3.1, "Bit 0: reserved, must be zero"). */
    RESERVED_BIT,
    /** ICMPv4: a type this package does not represent. */
    UNSUPPORTED_TYPE,
    /** ICMPv4: a code not defined for its type. */
    BAD_CODE,
    /** DHCP: the magic cookie is not 99.130.83.99 (RFC 2131 section 3, RFC 1497). */
    BAD_MAGIC_COOKIE,
    /** DHCP: {@code hlen} is over 16, the size of {@code chaddr} (RFC 2131 section 2). */
    BAD_HARDWARE_LENGTH,
    /** DHCP: an option's length byte, or its length, runs past the end of its field. */
    OPTION_TRUNCATED,
    /** DHCP: a field holding options has no end option (RFC 2131 section 4.1, RFC 2132 section 3.2). */
    MISSING_END,
    /**
     * DHCP: option overload (52) is not one byte of value 1, 2 or 3, or sits outside the options
     * field (RFC 2132 section 9.3).
     */
    BAD_OVERLOAD,
    /** DHCP: {@code op} is neither BOOTREQUEST (1) nor BOOTREPLY (2) (RFC 2131 section 2). */
    BAD_OP,
    /** DHCP: a known option, after the concatenation of RFC 3396, has a length RFC 2132 forbids. */
    BAD_OPTION_LENGTH,
    /** DHCP: a known option has a value RFC 2132 forbids (e.g. a maximum message size under 576). */
    BAD_OPTION_VALUE,
    /** DHCP: option 53 holds a number not in the IANA registry of DHCP message types. */
    UNKNOWN_MESSAGE_TYPE
}
