package mirage.tls.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import mirage.tls.CipherSuite;
import mirage.tls.Credentials;
import mirage.tls.NamedGroup;
import mirage.tls.TlsConfigException;
import mirage.tls.TlsVersion;
import mirage.tls.internal.cert.DeferredSelfSigned;
import mirage.tls.internal.cert.Keys;

/** The rules {@code ClientConfig} and {@code ServerConfig} check when built. */
public final class ConfigChecks {
    private ConfigChecks() {}

    public static List<TlsVersion> versions(List<TlsVersion> versions) {
        List<TlsVersion> copy = List.copyOf(versions);
        if (copy.isEmpty()) {
            throw new TlsConfigException("enable at least one TLS version (TLS_1_3, TLS_1_2)");
        }
        distinct(copy, "version");
        return copy;
    }

    public static List<CipherSuite> suites(List<CipherSuite> suites, List<TlsVersion> versions) {
        List<CipherSuite> copy = List.copyOf(suites);
        distinct(copy, "cipher suite");
        for (CipherSuite s : copy) {
            if (!versions.contains(s.version())) {
                throw new TlsConfigException("cipher suite " + s + " is for " + s.version()
                        + ", which is not enabled (enabled: " + versions + "); drop it or enable the version");
            }
        }
        for (TlsVersion v : versions) {
            if (copy.stream().noneMatch(s -> s.version() == v)) {
                throw new TlsConfigException(v + " is enabled but none of its cipher suites is: enable one, or drop the version");
            }
        }
        return copy;
    }

    public static List<NamedGroup> groups(List<NamedGroup> groups) {
        List<NamedGroup> copy = List.copyOf(groups);
        if (copy.isEmpty()) {
            throw new TlsConfigException("enable at least one key-exchange group (X25519, SECP256R1, SECP384R1)");
        }
        distinct(copy, "group");
        return copy;
    }

    public static List<String> alpn(List<String> alpn) {
        List<String> copy = List.copyOf(alpn);
        distinct(copy, "ALPN protocol");
        for (String p : copy) {
            int n = p.getBytes(StandardCharsets.UTF_8).length;
            if (n < 1 || n > 255) {
                throw new TlsConfigException("ALPN protocol names are 1 to 255 bytes long (RFC 7301 3.1), not " + n
                        + ": \"" + p + "\"");
            }
        }
        return copy;
    }

    public static void serverCredentials(List<Credentials> credentials, List<TlsVersion> versions, List<CipherSuite> suites) {
        if (credentials.isEmpty()) {
            throw new TlsConfigException("a server needs at least one certificate and key (Credentials)");
        }
        if (credentials instanceof DeferredSelfSigned deferred) { // not made yet: its key's kind is known
            if (versions.contains(TlsVersion.TLS_1_3) || suitsAny(deferred.kind(), suites)) {
                return;
            }
            throw noSuite();
        }
        for (Credentials c : credentials) {
            Objects.requireNonNull(c, "credentials");
        }
        if (versions.contains(TlsVersion.TLS_1_3)) {
            return;
        }
        for (Credentials c : credentials) {
            if (suitsAny(Keys.kind(c.leaf().getPublicKey()), suites)) {
                return;
            }
        }
        throw noSuite();
    }

    private static boolean suitsAny(Keys.Kind kind, List<CipherSuite> suites) {
        for (CipherSuite s : suites) {
            if (Keys.suits(kind, s)) {
                return true;
            }
        }
        return false;
    }

    private static TlsConfigException noSuite() {
        return new TlsConfigException("no enabled TLS 1.2 suite can use the keys given: ECDHE_ECDSA suites need an"
                + " ECDSA or Ed25519 key, ECDHE_RSA suites an RSA key");
    }

    private static <T> void distinct(List<T> list, String what) {
        if (new HashSet<>(list).size() != list.size()) {
            throw new TlsConfigException("each " + what + " may be listed once: " + list);
        }
    }
}
