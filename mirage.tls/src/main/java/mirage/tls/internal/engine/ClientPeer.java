package mirage.tls.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Vector;
import mirage.tls.ClientConfig;
import mirage.tls.Handshake;
import mirage.tls.NamedGroup;
import mirage.tls.TlsVersion;
import mirage.tls.internal.cert.CertificateChecks;
import mirage.tls.internal.cert.CertificateFailure;
import mirage.tls.internal.session.MemorySessionCache;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** Bouncy Castle's client callbacks, answered from a {@link ClientConfig}. */
final class ClientPeer extends AbstractTlsClient implements Peer {
    private final ClientConfig config;
    private final String serverName;
    private final boolean sendSni;
    private final MemorySessionCache sessions;
    private long now;
    private Handshake result;

    ClientPeer(TlsCrypto crypto, ClientConfig config, String serverName, boolean sendSni) {
        super(crypto);
        this.config = config;
        this.serverName = serverName;
        this.sendSni = sendSni;
        this.sessions = (MemorySessionCache) config.sessions();
    }

    @Override
    public void now(long epochMillis) {
        this.now = epochMillis;
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
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        Vector<Integer> groups = new Vector<>();
        for (NamedGroup g : config.groups()) {
            if (getCrypto().hasNamedGroup(g.code())) {
                groups.add(g.code());
            }
        }
        return groups;
    }

    @Override
    public Vector getEarlyKeyShareGroups() {
        Vector<?> offered = supportedGroups;
        if (offered == null || offered.isEmpty()) {
            return null;
        }
        return TlsUtils.vectorOfOne(offered.firstElement());
    }

    @Override
    protected Vector getSupportedSignatureAlgorithms() {
        return Codes.signatureSchemes();
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
    protected Vector getSNIServerNames() {
        if (!sendSni) {
            return null;
        }
        return TlsUtils.vectorOfOne(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public TlsSession getSessionToResume() {
        if (!config.versions().contains(TlsVersion.TLS_1_2)) {
            return null;
        }
        return sessions.get(serverName);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                var chain = Results.certificates(serverCertificate.getCertificate());
                try {
                    CertificateChecks.checkServer(chain, serverName, config.trust(), Instant.ofEpochMilli(now));
                } catch (CertificateFailure f) {
                    throw new TlsFatalAlert((short) f.alert().code(), f.getMessage(), f);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        result = Results.handshake(context, sendSni ? Optional.of(serverName) : Optional.empty());
        if (result.version() == TlsVersion.TLS_1_2) {
            TlsSession session = context.getResumableSession();
            if (session != null) {
                sessions.put(serverName, session);
            }
        }
    }
}
