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
    /** IPv4: the version field is not 4; IPv6: not 6. */
    BAD_VERSION,
    /** IPv4: IHL below 5 words (RFC 791 section 3.1, "the minimum value ... is 5"). */
    BAD_HEADER_LENGTH,
    /** IPv4: total length below the header length; UDP: length below 8. */
    BAD_LENGTH,
    /** A checksum that does not verify. */
    BAD_CHECKSUM,
    /** IPv4: an option whose length runs past the header or is below 2; IPv6: an option that runs past its extension header. */
    BAD_OPTIONS,
    /** IPv4: the reserved flag bit is set (RFC 791 section 3.1, "Bit 0: reserved, must be zero"). */
    RESERVED_BIT,
    /** ICMPv4, ICMPv6: a type this package does not represent. */
    UNSUPPORTED_TYPE,
    /** ICMPv4, ICMPv6: a code not defined for its type. */
    BAD_CODE,
    /** DHCP: the magic cookie is not 99.130.83.99 (RFC 2131 section 3, RFC 1497). */
    BAD_MAGIC_COOKIE,
    /** DHCP: {@code hlen} is over 16, the size of {@code chaddr} (RFC 2131 section 2). */
    BAD_HARDWARE_LENGTH,
    /** DHCP, NDP, MLD: an option's or record's length byte, or its length, runs past the end of its field. */
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
    /**
     * DHCP: a known option, after the concatenation of RFC 3396, has a length RFC 2132 forbids;
     * NDP: a known option has a length its RFC forbids (RFC 4861 section 4.6, RFC 8106 section 5.1).
     */
    BAD_OPTION_LENGTH,
    /** DHCP: a known option has a value RFC 2132 forbids (e.g. a maximum message size under 576). */
    BAD_OPTION_VALUE,
    /** DHCP: option 53 holds a number not in the IANA registry of DHCP message types. */
    UNKNOWN_MESSAGE_TYPE,
    /**
     * IPv6: a Next Header value the receiver must not follow: a Hop-by-Hop Options header other
     * than right after the IPv6 header (RFC 8200 section 4.3). Answered with a Parameter
     * Problem, code 1, at the chain's {@code errorPointer()} (RFC 8200 section 4).
     */
    UNRECOGNIZED_NEXT_HEADER,
    /**
     * IPv6: a Routing header with Segments Left above zero, of a type this host does not
     * process: every type, Type 0 included, which RFC 5095 section 3 deprecates. Answered with a
     * Parameter Problem, code 0, pointing at the Routing Type field (RFC 8200 section 4.4).
     */
    UNRECOGNIZED_ROUTING_TYPE,
    /**
     * IPv6: an option of a Hop-by-Hop or Destination Options header that is not recognised and
     * whose action bits say to discard the packet (RFC 8200 section 4.2); the chain's
     * {@code optionAction()} says whether to send a Parameter Problem, code 2.
     */
    UNRECOGNIZED_OPTION,
    /**
     * IPv6: a fragment with the M flag whose length is not a multiple of 8, or whose offset and
     * length reach past 65535 octets (RFC 8200 section 4.5). Answered with a Parameter Problem,
     * code 0, at the chain's {@code errorPointer()}.
     */
    BAD_FRAGMENT,
    /**
     * IPv6: a first fragment that does not hold the whole header chain up to and including the
     * upper-layer header (RFC 7112 section 5; RFC 8200 section 4.5). Parameter Problem, code 3.
     */
    INCOMPLETE_HEADER_CHAIN,
    /** IPv6: more extension headers than {@link Ipv6HeaderChain#MAX_HEADERS}: dropped. */
    TOO_MANY_HEADERS,
    /** NDP: a hop limit other than 255, so the message may come from off the link (RFC 4861 sections 6.1, 7.1, 8.1). */
    BAD_HOP_LIMIT,
    /** NDP: an option whose length field is zero (RFC 4861 section 4.6: "Nodes MUST silently discard"). */
    ZERO_LENGTH_OPTION,
    /** NDP: a multicast target address in a solicitation or advertisement, or a multicast Redirect destination (RFC 4861 sections 7.1, 8.1). */
    BAD_TARGET,
    /**
     * NDP: a source address the message may not come from: a Router Advertisement or Redirect
     * not from a link-local address, a link-layer address option from the unspecified address,
     * a solicitation from the unspecified address not sent to a solicited-node group
     * (RFC 4861 sections 6.1, 7.1, 8.1).
     */
    BAD_SOURCE,
    /** NDP: a solicited Neighbor Advertisement sent to a multicast address (RFC 4861 section 7.1.2). */
    BAD_DESTINATION
}
