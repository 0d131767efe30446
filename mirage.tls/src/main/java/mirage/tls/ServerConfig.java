package mirage.tls;

import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.tls.internal.ArgumentConfigs;
import mirage.tls.internal.ConfigChecks;
import mirage.tls.internal.cert.DeferredSelfSigned;

/**
 * What a server presents and accepts. Immutable and valid by construction, like
 * {@link ClientConfig}, whose rules for {@code versions}, {@code suites}, {@code groups} and
 * {@code alpn} apply here too, plus: {@code credentials} is not empty, and for TLS 1.2 at least
 * one enabled suite suits the key of some credential (ECDHE_ECDSA for ECDSA and Ed25519 keys,
 * ECDHE_RSA for RSA keys).
 *
 * <p><b>SNI.</b> For each connection the server picks the first credential whose leaf
 * certificate names the host the client asked for (a DNS subject alternative name, wildcards in
 * the left-most label), else the first credential.
 *
 * <p><b>ALPN.</b> The server picks its own most preferred protocol among those the client
 * offers; a client that offers some but none of the server's gets a
 * {@code no_application_protocol} alert (RFC 7301 3.2). An empty list ignores ALPN.
 *
 * @param credentials certificate chains and keys, the first being the default
 * @param versions    the versions accepted
 * @param suites      the cipher suites accepted, in the server's order of preference
 * @param groups      the key-exchange groups accepted
 * @param alpn        application protocols, in the server's order of preference
 * @param crypto      the Bouncy Castle crypto back-end
 * @param rng         randomness for server randoms, key shares, nonces, session IDs
 * @param sessions    TLS 1.2 sessions kept for resumption by session ID
 */
public record ServerConfig(
        List<Credentials> credentials,
        List<TlsVersion> versions,
        List<CipherSuite> suites,
        List<NamedGroup> groups,
        List<String> alpn,
        Crypto crypto,
        Rng rng,
        SessionCache sessions) {

    /** @throws TlsConfigException if a rule in the class comment is broken */
    public ServerConfig {
        // a self-signed certificate made on first use (selfSigned, fromArguments) stays deferred
        credentials = credentials instanceof DeferredSelfSigned ? credentials : List.copyOf(credentials);
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(sessions, "sessions");
        versions = ConfigChecks.versions(versions);
        suites = ConfigChecks.suites(suites, versions);
        groups = ConfigChecks.groups(groups);
        alpn = ConfigChecks.alpn(alpn);
        ConfigChecks.serverCredentials(credentials, versions, suites);
    }

    /**
     * A builder with the defaults of {@link ClientConfig#builder} (no trust or clock: the server
     * does not ask for client certificates) and these credentials.
     */
    public static Builder builder(Rng rng, Credentials... credentials) {
        return new Builder(Arrays.asList(credentials), List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2),
                List.of(CipherSuite.values()), List.of(NamedGroup.values()), List.of(), Crypto.HYBRID, rng,
                SessionCache.memory(1024));
    }

    /**
     * The default configuration ({@link #builder}) with credentials from a unikernel's runtime
     * arguments, as {@code mirage.link}'s {@code Devices.tlsServer()} passes them: the PEM
     * files {@code certificateFile} (the chain, leaf first) and {@code keyFile}; or, when both
     * are empty, a new self-signed ECDSA P-256 certificate for {@code selfSignedName}, valid from
     * an hour before {@code clock}'s now for 30 days, made with {@code rng} when the credentials
     * are first asked for (the first handshake, or a call of {@link #credentials()}), not here.
     *
     * @throws TlsConfigException if only one of the files is given, a file cannot be read or
     *     parsed, the key does not match the certificate, or {@code selfSignedName} is not a
     *     host name
     */
    public static ServerConfig fromArguments(Rng rng, InstantSource clock, String certificateFile, String keyFile,
            String selfSignedName) {
        return ArgumentConfigs.server(rng, clock, certificateFile, keyFile, selfSignedName);
    }

    /**
     * The default configuration ({@link #builder}) with the credentials of a read-only store, as
     * {@code mirage.link}'s {@code Devices.tlsServer(store)} passes it (a {@code KV_RO} device
     * bound at boot, or a store packed into the image): the PEM chain {@value #CERTIFICATE_KEY}
     * (leaf first) and the PEM private key {@value #PRIVATE_KEY_KEY}, the names MirageOS's
     * {@code Tls_mirage.X509.certificate} reads for its default. Nothing is read from the host.
     *
     * @throws TlsConfigException naming the key, if either is missing or cannot be read or
     *     parsed, or the key does not match the certificate
     */
    public static ServerConfig fromStore(Rng rng, mirage.kv.KvRo store) {
        return ArgumentConfigs.server(rng, store);
    }

    /** The key of the certificate chain in a store of {@link #fromStore}. */
    public static final String CERTIFICATE_KEY = "server.pem";

    /** The key of the private key in a store of {@link #fromStore}. */
    public static final String PRIVATE_KEY_KEY = "server.key";

    /**
     * The default configuration ({@link #builder}) with a new self-signed ECDSA P-256
     * certificate for {@code name}, valid from an hour before {@code clock}'s now for 30 days,
     * made with {@code rng} (what {@link #fromArguments} makes without files). The key pair and
     * certificate are made when the credentials are first asked for (the first handshake, or a
     * call of {@link #credentials()}), so that a unikernel's boot does not wait for them; the
     * configuration keeps them, and its builder passes them on, made or not.
     *
     * @throws TlsConfigException if {@code name} is not a host name
     */
    public static ServerConfig selfSigned(Rng rng, InstantSource clock, String name) {
        return ArgumentConfigs.server(rng, clock, "", "", name);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(credentials, versions, suites, groups, alpn, crypto, rng, sessions);
    }

    /** An immutable builder: each {@code with} method returns a new builder; {@link #build()} checks. */
    public record Builder(
            List<Credentials> credentials,
            List<TlsVersion> versions,
            List<CipherSuite> suites,
            List<NamedGroup> groups,
            List<String> alpn,
            Crypto crypto,
            Rng rng,
            SessionCache sessions) {

        public Builder withCredentials(Credentials... credentials) {
            return new Builder(Arrays.asList(credentials), versions, suites, groups, alpn, crypto, rng, sessions);
        }

        public Builder withVersions(TlsVersion... versions) {
            return new Builder(credentials, Arrays.asList(versions), suites, groups, alpn, crypto, rng, sessions);
        }

        public Builder withSuites(CipherSuite... suites) {
            return new Builder(credentials, versions, Arrays.asList(suites), groups, alpn, crypto, rng, sessions);
        }

        /** Drops the suites of versions not enabled. */
        public Builder onlyUsableSuites() {
            return new Builder(credentials, versions,
                    suites.stream().filter(s -> versions.contains(s.version())).toList(),
                    groups, alpn, crypto, rng, sessions);
        }

        public Builder withGroups(NamedGroup... groups) {
            return new Builder(credentials, versions, suites, Arrays.asList(groups), alpn, crypto, rng, sessions);
        }

        public Builder withAlpn(String... protocols) {
            return new Builder(credentials, versions, suites, groups, Arrays.asList(protocols), crypto, rng, sessions);
        }

        public Builder withCrypto(Crypto crypto) {
            return new Builder(credentials, versions, suites, groups, alpn, crypto, rng, sessions);
        }

        public Builder withRng(Rng rng) {
            return new Builder(credentials, versions, suites, groups, alpn, crypto, rng, sessions);
        }

        public Builder withSessions(SessionCache sessions) {
            return new Builder(credentials, versions, suites, groups, alpn, crypto, rng, sessions);
        }

        /** @throws TlsConfigException if a rule of {@link ServerConfig} is broken */
        public ServerConfig build() {
            return new ServerConfig(credentials, versions, suites, groups, alpn, crypto, rng, sessions);
        }
    }
}
