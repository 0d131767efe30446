package mirage.tls.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import mirage.tls.CipherSuite;
import mirage.tls.Credentials;
import mirage.tls.Handshake;
import mirage.tls.NamedGroup;
import mirage.tls.ServerConfig;
import mirage.tls.TlsVersion;
import mirage.tls.internal.cert.Keys;
import mirage.tls.internal.crypto.Backends;
import mirage.tls.internal.session.MemorySessionCache;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;

/**
 * Bouncy Castle's server callbacks, answered from a {@link ServerConfig}: credentials chosen by
 * SNI, suites limited to what the chosen key can sign for, the server's preferences first.
 */
final class ServerPeer extends AbstractTlsServer implements Peer {
    private final ServerConfig config;
    private final MemorySessionCache sessions;
    private Credentials chosen;
    private Keys.Kind kind;
    private String requestedName;
    private Handshake result;
    private int group12 = -1;
    private int[] supportedGroups;

    ServerPeer(TlsCrypto crypto, ServerConfig config) {
        super(crypto);
        this.config = config;
        this.sessions = (MemorySessionCache) config.sessions();
        this.chosen = config.credentials().getFirst();
        this.kind = Keys.kind(chosen.leaf().getPublicKey());
    }

    @Override
    public void now(long epochMillis) {
        // The server checks no certificates (no client authentication).
    }

    @Override
    public Handshake result() {
        return result;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return Codes.versions(config.versions());
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), Codes.suites(config.suites()));
    }

    @Override
    public int[] getCipherSuites() {
        List<CipherSuite> suites = config.suites();
        int[] usable = new int[suites.size()];
        int n = 0;
        boolean curveOffered = curveOffered();
        for (CipherSuite s : suites) {
            if (Keys.suits(kind, s) && (curveOffered || s.version() == TlsVersion.TLS_1_3)) {
                usable[n++] = s.code();
            }
        }
        return TlsUtils.getSupportedCipherSuites(getCrypto(), usable, 0, n);
    }

    /**
     * Whether a TLS 1.2 client can verify our ECDSA key: RFC 8422 5.1.1, its supported_groups
     * also lists the curves it accepts in certificates. Always true for other keys.
     */
    private boolean curveOffered() {
        int curve = switch (kind) {
            case ECDSA_P256 -> org.bouncycastle.tls.NamedGroup.secp256r1;
            case ECDSA_P384 -> org.bouncycastle.tls.NamedGroup.secp384r1;
            case ECDSA_P521 -> org.bouncycastle.tls.NamedGroup.secp521r1;
            default -> -1;
        };
        int[] client = context == null ? null : context.getSecurityParametersHandshake().getClientSupportedGroups();
        return curve < 0 || client == null || org.bouncycastle.util.Arrays.contains(client, curve);
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public boolean preferLocalSupportedGroups() {
        return true;
    }

    /**
     * The configured groups the back-end can do, in the configuration's order. Made once per
     * handshake (Bouncy Castle may ask more than once) without streams: this is on every
     * connection's path. The caller must not change the array.
     */
    @Override
    public int[] getSupportedGroups() {
        int[] groups = supportedGroups;
        if (groups == null) {
            List<NamedGroup> configured = config.groups();
            groups = new int[configured.size()];
            int n = 0;
            for (NamedGroup g : configured) {
                if (getCrypto().hasNamedGroup(g.code())) {
                    groups[n++] = g.code();
                }
            }
            groups = n == groups.length ? groups : java.util.Arrays.copyOf(groups, n);
            supportedGroups = groups;
        }
        return groups;
    }

    @Override
    protected int selectECDH(int minimumCurveBits) {
        int[] client = context.getSecurityParametersHandshake().getClientSupportedGroups();
        for (int g : getSupportedGroups()) {
            boolean offered = client == null || org.bouncycastle.util.Arrays.contains(client, g);
            if (offered && org.bouncycastle.tls.NamedGroup.getCurveBits(g) >= minimumCurveBits) {
                group12 = g;
                return g;
            }
        }
        return -1;
    }

    @Override
    protected int selectDH(int minimumFiniteFieldBits) {
        return -1;
    }

    @Override
    protected Vector getProtocolNames() {
        if (config.alpn().isEmpty()) {
            return null;
        }
        Vector<ProtocolName> names = new Vector<>();
        config.alpn().forEach(p -> names.add(ProtocolName.asUtf8Encoding(p)));
        return names;
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        Vector<?> names = clientExtensions == null ? null : TlsExtensionsUtils.getServerNameExtensionClient(clientExtensions);
        if (names != null) {
            for (Object o : names) {
                ServerName n = (ServerName) o;
                if (n.getNameType() == NameType.host_name) {
                    requestedName = new String(n.getNameData(), StandardCharsets.US_ASCII);
                    chosen = Sni.choose(config.credentials(), requestedName);
                    kind = Keys.kind(chosen.leaf().getPublicKey());
                }
            }
        }
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context);
        SignatureAndHashAlgorithm scheme = scheme(context.getSecurityParametersHandshake().getClientSigAlgs(), tls13);
        if (scheme == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "the client accepts no signature scheme our " + kind + " key can make");
        }
        return Backends.signer(getCrypto(), new TlsCryptoParameters(context), chosen, scheme, tls13);
    }

    private SignatureAndHashAlgorithm scheme(Vector<?> clientSchemes, boolean tls13) {
        if (clientSchemes == null) {
            // RFC 5246 7.4.1.4.1: no extension means SHA-1 with the key's algorithm.
            return switch (kind) {
                case RSA -> new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.rsa);
                case ED25519 -> null;
                default -> new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa);
            };
        }
        for (Object o : clientSchemes) {
            SignatureAndHashAlgorithm a = (SignatureAndHashAlgorithm) o;
            int s = SignatureScheme.from(a);
            boolean usable = switch (kind) {
                case ECDSA_P256 -> s == SignatureScheme.ecdsa_secp256r1_sha256
                        || (!tls13 && (s == SignatureScheme.ecdsa_secp384r1_sha384 || s == SignatureScheme.ecdsa_secp521r1_sha512));
                case ECDSA_P384 -> s == SignatureScheme.ecdsa_secp384r1_sha384
                        || (!tls13 && (s == SignatureScheme.ecdsa_secp256r1_sha256 || s == SignatureScheme.ecdsa_secp521r1_sha512));
                case ECDSA_P521 -> s == SignatureScheme.ecdsa_secp521r1_sha512
                        || (!tls13 && (s == SignatureScheme.ecdsa_secp256r1_sha256 || s == SignatureScheme.ecdsa_secp384r1_sha384));
                case ED25519 -> s == SignatureScheme.ed25519;
                case RSA -> s == SignatureScheme.rsa_pss_rsae_sha256 || s == SignatureScheme.rsa_pss_rsae_sha384
                        || s == SignatureScheme.rsa_pss_rsae_sha512
                        || (!tls13 && (s == SignatureScheme.rsa_pkcs1_sha256 || s == SignatureScheme.rsa_pkcs1_sha384
                                || s == SignatureScheme.rsa_pkcs1_sha512));
            };
            if (usable) {
                return a;
            }
        }
        return null;
    }

    @Override
    public byte[] getNewSessionID() {
        if (!sessions.enabled() || TlsUtils.isTLSv13(context)) {
            return null;
        }
        return context.getNonceGenerator().generateNonce(32);
    }

    @Override
    public TlsSession getSessionToResume(byte[] sessionID) {
        if (sessionID == null || sessionID.length == 0) {
            return null;
        }
        return sessions.get(HexFormat.of().formatHex(sessionID));
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        result = Results.handshake(context, Optional.ofNullable(requestedName), group12);
        if (result.version() == TlsVersion.TLS_1_2 && !result.resumed()) {
            TlsSession session = context.getResumableSession();
            if (session != null && session.getSessionID().length > 0) {
                sessions.put(HexFormat.of().formatHex(session.getSessionID()), session);
            }
        }
    }
}
