package mirage.tls.internal.cert;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.RandomAccess;
import mirage.core.Rng;
import mirage.tls.Credentials;
import mirage.tls.TlsConfigException;

/**
 * The credentials of a server configuration that makes its self-signed certificate when they
 * are first asked for (its first handshake) rather than when it is configured: a list of one
 * {@link Credentials}, made by {@link SelfSigned#generate} on the first {@link #get}, the same
 * object for every later call (docs/decisions/0065). A unikernel's boot then does not pay for
 * the key pair, the certificate's encoding and the providers they load; a plain-HTTP answer
 * does not wait for them.
 *
 * <p>The host name and validity are checked when the list is made, so a bad one is still a
 * configuration error at boot; what {@code SelfSigned} could still throw on first use is a
 * {@link TlsConfigException} for a JDK without the key type's algorithm. Immutable as a list
 * ({@code add}, {@code set}, ... throw {@link UnsupportedOperationException}); safe to share
 * between threads: concurrent first calls make one certificate, the others wait for it.
 */
public final class DeferredSelfSigned extends AbstractList<Credentials> implements RandomAccess {
    private final String hostName;
    private final Credentials.KeyType keyType;
    private final Rng rng;
    private final Instant notBefore;
    private final Duration validity;
    private volatile Credentials made;

    /**
     * Credentials for {@code hostName}, valid from {@code notBefore} for {@code validity}, to be
     * made with {@code rng} on first use.
     *
     * @throws TlsConfigException if the host name is not a DNS name or IP literal, or the
     *     validity is not positive (what {@link SelfSigned#generate} would throw)
     */
    public DeferredSelfSigned(String hostName, Credentials.KeyType keyType, Rng rng, Instant notBefore,
            Duration validity) {
        SelfSigned.check(hostName, validity);
        if (keyType == null || rng == null || notBefore == null) {
            throw new NullPointerException("keyType, rng and notBefore are required");
        }
        this.hostName = hostName;
        this.keyType = keyType;
        this.rng = rng;
        this.notBefore = notBefore;
        this.validity = validity;
    }

    /** The kind of key the credentials will have, known without making them. */
    public Keys.Kind kind() {
        return switch (keyType) {
            case ECDSA_P256 -> Keys.Kind.ECDSA_P256;
            case ECDSA_P384 -> Keys.Kind.ECDSA_P384;
            case ED25519 -> Keys.Kind.ED25519;
            case RSA_2048 -> Keys.Kind.RSA;
        };
    }

    /** Whether the credentials have been made (by a {@link #get}). */
    public boolean made() {
        return made != null;
    }

    /**
     * The credentials, made on the first call.
     *
     * @throws IndexOutOfBoundsException unless {@code index} is 0
     * @throws TlsConfigException if they cannot be made (see the class comment)
     */
    @Override
    public Credentials get(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException("one credential, not an index " + index);
        }
        Credentials c = made;
        if (c == null) {
            synchronized (this) {
                c = made;
                if (c == null) {
                    c = SelfSigned.generate(hostName, keyType, rng, notBefore, validity);
                    made = c;
                }
            }
        }
        return c;
    }

    @Override
    public int size() {
        return 1;
    }
}
