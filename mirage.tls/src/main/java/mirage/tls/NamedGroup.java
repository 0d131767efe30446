package mirage.tls;

/** Key-exchange groups (RFC 8446 4.2.7): elliptic curves only, no finite-field groups. */
public enum NamedGroup {
    X25519(0x001D),
    SECP256R1(0x0017),
    SECP384R1(0x0018);

    private final int code;

    NamedGroup(int code) {
        this.code = code;
    }

    /** The group's IANA code point. */
    public int code() {
        return code;
    }
}
