package mirage.tls.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import mirage.core.Rng;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvRo;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.ServerConfig;
import mirage.tls.TlsConfigException;
import mirage.tls.Trust;
import mirage.tls.internal.cert.DeferredSelfSigned;

/**
 * The configurations {@link ServerConfig#fromArguments} and {@link ClientConfig#fromArguments}
 * make from a unikernel's runtime arguments, and {@link ServerConfig#fromStore} from a store.
 */
public final class ArgumentConfigs {
    /** How long before its boot a self-signed certificate is valid: clocks disagree a little. */
    static final Duration SELF_SIGNED_BACKDATE = Duration.ofHours(1);
    /** How long a self-signed certificate made at boot is valid. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(30);

    private ArgumentConfigs() {}

    /** See {@link ServerConfig#fromArguments}. */
    public static ServerConfig server(Rng rng, InstantSource clock, String certificateFile, String keyFile,
            String selfSignedName) {
        if (!certificateFile.isEmpty() || !keyFile.isEmpty()) {
            if (certificateFile.isEmpty() || keyFile.isEmpty()) {
                throw new TlsConfigException("a certificate file and a key file go together: "
                        + (certificateFile.isEmpty() ? "the certificate file is missing" : "the key file is missing"));
            }
            return ServerConfig.builder(rng, Credentials.pem(Path.of(certificateFile), Path.of(keyFile))).build();
        }
        // made on the first handshake, not at boot (docs/decisions/0065)
        DeferredSelfSigned selfSigned = new DeferredSelfSigned(selfSignedName, Credentials.KeyType.ECDSA_P256, rng,
                clock.instant().minus(SELF_SIGNED_BACKDATE), SELF_SIGNED_VALIDITY);
        ServerConfig.Builder defaults = ServerConfig.builder(rng);
        return new ServerConfig.Builder(selfSigned, defaults.versions(), defaults.suites(), defaults.groups(),
                defaults.alpn(), defaults.crypto(), rng, defaults.sessions()).build();
    }

    /** See {@link ServerConfig#fromStore}. */
    public static ServerConfig server(Rng rng, KvRo store) {
        String chain = text(store, ServerConfig.CERTIFICATE_KEY, "certificate chain");
        String key = text(store, ServerConfig.PRIVATE_KEY_KEY, "private key");
        Credentials credentials;
        try {
            credentials = Credentials.pem(chain, key);
        } catch (TlsConfigException e) {
            throw new TlsConfigException("the store's " + ServerConfig.CERTIFICATE_KEY + " and " + ServerConfig.PRIVATE_KEY_KEY
                    + " are no usable credentials: " + e.getMessage(), e);
        }
        return ServerConfig.builder(rng, credentials).build();
    }

    private static String text(KvRo store, String name, String what) {
        try {
            return new String(store.get(Key.of(name)), StandardCharsets.US_ASCII);
        } catch (KvException e) {
            throw new TlsConfigException("the TLS server's store has no readable " + name + " (its " + what + "): "
                    + e.getMessage(), e);
        }
    }

    /** See {@link ClientConfig#fromArguments}. */
    public static ClientConfig client(Rng rng, InstantSource clock, String trustFile) {
        Trust trust = trustFile.isEmpty() ? Trust.system() : Trust.pem(Path.of(trustFile));
        return ClientConfig.builder(trust, rng, clock).build();
    }
}
