package mirage.net.internal.wire.dhcp;

/** Option codes this package knows by name (RFC 2132 sections cited per code). */
public final class DhcpOption {
    private DhcpOption() {}

    /** Section 3.1: one byte, no length; fills space. */
    public static final int PAD = 0;
    /** Section 3.3: four bytes. */
    public static final int SUBNET_MASK = 1;
    /** Section 3.5: addresses, at least one. */
    public static final int ROUTER = 3;
    /** Section 3.8: addresses, at least one. */
    public static final int DOMAIN_NAME_SERVER = 6;
    /** Section 3.14: at least one byte of text. */
    public static final int HOST_NAME = 12;
    /** Section 3.17: at least one byte of text. */
    public static final int DOMAIN_NAME = 15;
    /** Section 5.3: four bytes. */
    public static final int BROADCAST_ADDRESS = 28;
    /** Section 9.1: four bytes. */
    public static final int REQUESTED_IP_ADDRESS = 50;
    /** Section 9.2: four bytes, seconds, 0xffffffff for infinity. */
    public static final int IP_ADDRESS_LEASE_TIME = 51;
    /** Section 9.3: one byte; 1 = file holds options, 2 = sname, 3 = both. */
    public static final int OPTION_OVERLOAD = 52;
    /** Section 9.6: one byte, a {@link MessageType}. */
    public static final int DHCP_MESSAGE_TYPE = 53;
    /** Section 9.7: four bytes. */
    public static final int SERVER_IDENTIFIER = 54;
    /** Section 9.8: option codes, at least one. */
    public static final int PARAMETER_REQUEST_LIST = 55;
    /** Section 9.9: at least one byte of text. */
    public static final int MESSAGE = 56;
    /** Section 9.10: two bytes, at least 576. */
    public static final int MAXIMUM_DHCP_MESSAGE_SIZE = 57;
    /** Section 9.11: four bytes, seconds. */
    public static final int RENEWAL_TIME = 58;
    /** Section 9.12: four bytes, seconds. */
    public static final int REBINDING_TIME = 59;
    /** Section 9.14: a type byte and at least one byte more. */
    public static final int CLIENT_IDENTIFIER = 61;
    /** Section 3.2: one byte, no length; ends the options of a field. */
    public static final int END = 255;

    /** Whether {@link DhcpOptions} has a typed field for {@code code} (or, for 0, 52 and 255, handles it as framing). */
    public static boolean isKnown(int code) {
        return switch (code) {
            case PAD, SUBNET_MASK, ROUTER, DOMAIN_NAME_SERVER, HOST_NAME, DOMAIN_NAME, BROADCAST_ADDRESS,
                 REQUESTED_IP_ADDRESS, IP_ADDRESS_LEASE_TIME, OPTION_OVERLOAD, DHCP_MESSAGE_TYPE, SERVER_IDENTIFIER,
                 PARAMETER_REQUEST_LIST, MESSAGE, MAXIMUM_DHCP_MESSAGE_SIZE, RENEWAL_TIME, REBINDING_TIME,
                 CLIENT_IDENTIFIER, END -> true;
            default -> false;
        };
    }
}
