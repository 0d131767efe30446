package mirage.net.internal.engine.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012) over exactly three 64-bit words: the keyed
 * pseudo-random function that RFC 6528 (initial sequence numbers), RFC 6056 (ephemeral ports)
 * and SYN cookies ask for. The key comes from the engine's {@link mirage.core.Rng}. No
 * allocation; not thread-safe (the state lives in fields), like the engine that owns it.
 */
final class SipHash {
    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    long hash(long m0, long m1, long m2) {
        begin();
        compress(m0);
        compress(m1);
        compress(m2);
        compress(24L << 56); // the final block: the message length in bytes, no tail bytes
        return finish();
    }

    /** Over six words: a 4-tuple of IPv6 addresses (four words), the ports and one more word. */
    long hash(long m0, long m1, long m2, long m3, long m4, long m5) {
        begin();
        compress(m0);
        compress(m1);
        compress(m2);
        compress(m3);
        compress(m4);
        compress(m5);
        compress(48L << 56);
        return finish();
    }

    private void begin() {
        v0 = 0x736f6d6570736575L ^ k0;
        v1 = 0x646f72616e646f6dL ^ k1;
        v2 = 0x6c7967656e657261L ^ k0;
        v3 = 0x7465646279746573L ^ k1;
    }

    private long finish() {
        v2 ^= 0xff;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void compress(long m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    private void round() {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
