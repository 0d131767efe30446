package mirage.net.internal.wire;

/**
 * Why bytes are not a well-formed packet of the type asked for. A value of this enum is all a
 * failed {@code check} or {@code parse} reports: bytes from the network never raise an
 * exception in this package. Engines count drops by these reasons.
 */
public enum WireError {
    /** The buffer is shorter than the fixed header, or than a length the packet declares. */
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
    BAD_CODE
}
