package mirage.tls;

/**
 * The cipher suites this module negotiates: the three TLS 1.3 AEAD suites of RFC 8446 B.4 that
 * OpenSSL enables by default, and for TLS 1.2 only ECDHE key exchange (forward secrecy) with an
 * AEAD (AES-GCM, RFC 5289; ChaCha20-Poly1305, RFC 7905). No CBC, no static RSA, no finite-field
 * DHE, no CCM.
 */
public enum CipherSuite {
    TLS_AES_128_GCM_SHA256(0x1301, TlsVersion.TLS_1_3),
    TLS_AES_256_GCM_SHA384(0x1302, TlsVersion.TLS_1_3),
    TLS_CHACHA20_POLY1305_SHA256(0x1303, TlsVersion.TLS_1_3),
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256(0xC02B, TlsVersion.TLS_1_2),
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384(0xC02C, TlsVersion.TLS_1_2),
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256(0xCCA9, TlsVersion.TLS_1_2),
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256(0xC02F, TlsVersion.TLS_1_2),
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384(0xC030, TlsVersion.TLS_1_2),
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256(0xCCA8, TlsVersion.TLS_1_2);

    private final int code;
    private final TlsVersion version;

    CipherSuite(int code, TlsVersion version) {
        this.code = code;
        this.version = version;
    }

    /** The suite's IANA code point. */
    public int code() {
        return code;
    }

    /** The one version this suite is defined for. */
    public TlsVersion version() {
        return version;
    }
}
