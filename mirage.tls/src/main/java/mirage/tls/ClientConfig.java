package mirage.tls;

import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.tls.internal.ArgumentConfigs;
import mirage.tls.internal.ConfigChecks;

/**
 * How a client connects: whom it trusts, what it offers. Immutable, and valid by construction:
 * the canonical constructor checks every rule below and throws {@link TlsConfigException}, so
 * an invalid configuration cannot exist. Start from {@link #builder(Trust, Rng)}.
 *
 * <ul>
 *   <li>{@code versions}: not empty, no duplicates, in order of preference;
 *   <li>{@code suites}: not empty, no duplicates, each for an enabled version, and at least one
 *       for every enabled version;
 *   <li>{@code groups}: not empty, no duplicates; the first gets a key share in the ClientHello;
 *   <li>{@code alpn}: protocol names of 1 to 255 bytes (UTF-8), no duplicates; empty means the
 *       ALPN extension is not sent.
 * </ul>
 *
 * @param trust    the roots server chains must lead to
 * @param versions the versions offered
 * @param suites   the cipher suites offered, in order of preference
 * @param groups   the key-exchange groups offered, in order of preference
 * @param alpn     the application protocols offered (RFC 7301), in order of preference
 * @param crypto   the Bouncy Castle crypto back-end
 * @param rng      randomness for client randoms, key shares, nonces
 * @param clock    the wall clock certificates are checked against
 * @param sessions where sessions are kept for resumption (shared by connections using this configuration)
 */
public record ClientConfig(
        Trust trust,
        List<TlsVersion> versions,
        List<CipherSuite> suites,
        List<NamedGroup> groups,
        List<String> alpn,
        Crypto crypto,
        Rng rng,
        InstantSource clock,
        SessionCache sessions) {

    /** @throws TlsConfigException if a rule in the class comment is broken */
    public ClientConfig {
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sessions, "sessions");
        versions = ConfigChecks.versions(versions);
        suites = ConfigChecks.suites(suites, versions);
        groups = ConfigChecks.groups(groups);
        alpn = ConfigChecks.alpn(alpn);
    }

    /**
     * A builder with the defaults: TLS 1.3 then 1.2, every {@link CipherSuite} (TLS 1.3 ones
     * first), X25519, P-256, P-384, no ALPN, the {@link Crypto#HYBRID} back-end and a memory
     * session cache of 64 sessions; certificates are checked at {@code clock}'s time (a unikernel
     * passes its platform's {@code WallClock}).
     */
    public static Builder builder(Trust trust, Rng rng, InstantSource clock) {
        return new Builder(trust, List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), List.of(CipherSuite.values()),
                List.of(NamedGroup.values()), List.of(), Crypto.HYBRID, rng, clock,
                SessionCache.memory(64));
    }

    /**
     * The default configuration ({@link #builder}) from a unikernel's runtime arguments, as
     * {@code mirage.link}'s {@code Devices.tlsClient()} passes them: servers are checked against
     * the certificates of the PEM file {@code trustFile}, or, when it is empty, against the JDK's
     * bundle ({@link Trust#system()}), at {@code clock}'s time.
     *
     * @throws TlsConfigException if the trust file cannot be read or holds no certificate
     */
    public static ClientConfig fromArguments(Rng rng, InstantSource clock, String trustFile) {
        return ArgumentConfigs.client(rng, clock, trustFile);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
    }

    /**
     * An immutable builder: each {@code with} method returns a new builder; nothing is checked
     * until {@link #build()}.
     */
    public record Builder(
            Trust trust,
            List<TlsVersion> versions,
            List<CipherSuite> suites,
            List<NamedGroup> groups,
            List<String> alpn,
            Crypto crypto,
            Rng rng,
            InstantSource clock,
            SessionCache sessions) {

        public Builder withTrust(Trust trust) {
            return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }

        public Builder withVersions(TlsVersion... versions) {
            return new Builder(trust, Arrays.asList(versions), suites, groups, alpn, crypto, rng, clock, sessions);
        }

        /** The suites, in order of preference; see {@link #onlyUsableSuites()}. */
        public Builder withSuites(CipherSuite... suites) {
            return new Builder(trust, versions, Arrays.asList(suites), groups, alpn, crypto, rng, clock, sessions);
        }

        /** Drops the suites of versions not enabled (convenient after {@link #withVersions}). */
        public Builder onlyUsableSuites() {
            return new Builder(trust, versions,
                    suites.stream().filter(s -> versions.contains(s.version())).toList(),
                    groups, alpn, crypto, rng, clock, sessions);
        }

        public Builder withGroups(NamedGroup... groups) {
            return new Builder(trust, versions, suites, Arrays.asList(groups), alpn, crypto, rng, clock, sessions);
        }

        public Builder withAlpn(String... protocols) {
            return new Builder(trust, versions, suites, groups, Arrays.asList(protocols), crypto, rng, clock, sessions);
        }

        public Builder withCrypto(Crypto crypto) {
            return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }

        public Builder withRng(Rng rng) {
            return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }

        public Builder withClock(InstantSource clock) {
            return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }

        public Builder withSessions(SessionCache sessions) {
            return new Builder(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }

        /** @throws TlsConfigException if a rule of {@link ClientConfig} is broken */
        public ClientConfig build() {
            return new ClientConfig(trust, versions, suites, groups, alpn, crypto, rng, clock, sessions);
        }
    }
}
