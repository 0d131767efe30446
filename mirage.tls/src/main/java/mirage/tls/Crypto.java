package mirage.tls;

/**
 * Which Bouncy Castle crypto back-end carries out the primitives (AEAD, key exchange,
 * signatures, hashes). Both give the same protocol behaviour; the same test suite runs on both.
 */
public enum Crypto {
    /**
     * Bouncy Castle's JCA back-end over the JDK's own providers (SunJCE, SunEC): AES-GCM and
     * hashes use the JDK's intrinsics. The default.
     */
    JCA,
    /** Bouncy Castle's pure-Java lightweight back-end: no JCA provider involved; slower bulk. */
    BOUNCY_CASTLE
}
