package mirage.tls;

/**
 * Which Bouncy Castle crypto back-end carries out the primitives (AEAD, key exchange,
 * signatures, hashes). Both give the same protocol behaviour; the same test suite runs on both.
 */
public enum Crypto {
    /**
     * Bouncy Castle's pure-Java code for key exchange, signatures and the key schedule, over the
     * JDK's SHA-2 digests, and the JDK's AES-GCM and ChaCha20-Poly1305 ciphers (intrinsics) for
     * records: the fastest mix measured here (TlsBench). The default.
     */
    HYBRID,
    /**
     * Bouncy Castle's JCA back-end over the JDK's own providers (SunJCE, SunEC): everything
     * through the JCA, including X25519 and ECDSA, which cost more per handshake than
     * {@link #HYBRID}'s.
     */
    JCA,
    /** Bouncy Castle's pure-Java lightweight back-end: no JCA provider involved; slower bulk. */
    BOUNCY_CASTLE
}
