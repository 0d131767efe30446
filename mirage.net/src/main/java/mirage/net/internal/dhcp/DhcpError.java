package mirage.net.internal.dhcp;

/** Why bytes are not a DHCP message. {@link DhcpPacket#check} finds the first five; the rest come from {@link DhcpMessage#parse}. */
public enum DhcpError {
    /** Shorter than the 236-byte fixed header plus the 4-byte magic cookie (RFC 2131 section 2). */
    TRUNCATED,
    /** The magic cookie is not 99.130.83.99 (RFC 2131 section 3, RFC 1497). */
    BAD_MAGIC_COOKIE,
    /** {@code hlen} is over 16, the size of {@code chaddr} (RFC 2131 section 2). */
    BAD_HARDWARE_LENGTH,
    /** An option's length byte, or its length, runs past the end of its field. */
    OPTION_TRUNCATED,
    /** A field holding options has no end option (RFC 2131 section 4.1, RFC 2132 section 3.2). */
    MISSING_END,
    /** Option overload (52) is not one byte of value 1, 2 or 3, or sits outside the options field (RFC 2132 section 9.3). */
    BAD_OVERLOAD,
    /** {@code op} is neither BOOTREQUEST (1) nor BOOTREPLY (2) (RFC 2131 section 2). */
    BAD_OP,
    /** A known option, after the concatenation of RFC 3396, has a length RFC 2132 forbids. */
    BAD_OPTION_LENGTH,
    /** A known option has a value RFC 2132 forbids (e.g. a maximum message size under 576). */
    BAD_OPTION_VALUE,
    /** Option 53 holds a number not in the IANA registry of DHCP message types. */
    UNKNOWN_MESSAGE_TYPE
}
