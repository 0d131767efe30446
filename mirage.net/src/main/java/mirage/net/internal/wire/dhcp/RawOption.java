package mirage.net.internal.wire.dhcp;

import mirage.net.internal.wire.Octets;
/**
 * An option this package has no typed field for, kept as its code and its data: the
 * concatenation of all its instances in the message (RFC 3396 section 7).
 *
 * @param code 1 to 254, not a code {@link DhcpOption#isKnown known} to this package
 * @param data any length, including zero and over 255 (emitted as several instances)
 */
public record RawOption(int code, Octets data) {
    public RawOption {
        if (code < 1 || code > 254 || DhcpOption.isKnown(code)) {
            throw new IllegalArgumentException("not an unknown option code: " + code);
        }
        if (data == null) {
            throw new IllegalArgumentException("data is null");
        }
    }
}
