package mirage.tls;

/** The TLS versions this module speaks. TLS 1.1 and older, and SSL, are refused. */
public enum TlsVersion {
    /** TLS 1.2 (RFC 5246), with forward-secret AEAD suites only. */
    TLS_1_2(0x0303),
    /** TLS 1.3 (RFC 8446). */
    TLS_1_3(0x0304);

    private final int code;

    TlsVersion(int code) {
        this.code = code;
    }

    /** The version's wire value, e.g. {@code 0x0304} for TLS 1.3. */
    public int code() {
        return code;
    }
}
