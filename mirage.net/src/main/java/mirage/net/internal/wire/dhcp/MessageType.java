package mirage.net.internal.wire.dhcp;

import mirage.net.internal.wire.WireError;

/**
 * The DHCP message type carried in option 53: the IANA registry "DHCP Message Type 53 Values"
 * (RFC 2132 section 9.6 for 1-8, RFC 3203 for 9, RFC 4388 for 10-13, RFC 6926 for 14-15,
 * RFC 7724 for 16-18).
 */
public enum MessageType {
    DISCOVER(1), OFFER(2), REQUEST(3), DECLINE(4), ACK(5), NAK(6), RELEASE(7), INFORM(8),
    FORCERENEW(9), LEASEQUERY(10), LEASEUNASSIGNED(11), LEASEUNKNOWN(12), LEASEACTIVE(13),
    BULKLEASEQUERY(14), LEASEQUERYDONE(15), ACTIVELEASEQUERY(16), LEASEQUERYSTATUS(17), TLS(18);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The value of option 53. */
    public int code() {
        return code;
    }

    /** The type numbered {@code code}, or {@code null} if the registry has none (callers map that to {@link WireError#UNKNOWN_MESSAGE_TYPE}). */
    static MessageType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
