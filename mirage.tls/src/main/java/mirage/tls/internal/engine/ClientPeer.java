package mirage.tls.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DefaultTlsKeyExchangeFactory;
import org.bouncycastle.tls.TlsECDHEKeyExchange;
import org.bouncycastle.tls.TlsKeyExchange;
import org.bouncycastle.tls.TlsKeyExchangeFactory;
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
    private int group12 = -1;

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
        if (offered == null || offered.isEmpty() || !config.versions().contains(TlsVersion.TLS_1_3)) {
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

    /** Records the TLS 1.2 ECDHE group the server chose (Bouncy Castle keeps it only for 1.3). */
    @Override
    public TlsKeyExchangeFactory getKeyExchangeFactory() {
        return new DefaultTlsKeyExchangeFactory() {
            @Override
            public TlsKeyExchange createECDHEKeyExchangeClient(int keyExchange) {
                return new TlsECDHEKeyExchange(keyExchange) {
                    @Override
                    public void processServerKeyExchange(InputStream input) throws IOException {
                        super.processServerKeyExchange(input);
                        group12 = ecConfig.getNamedGroup();
                        if (config.groups().stream().noneMatch(g -> g.code() == group12)) {
                            throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                                    "the server chose a group we did not offer: " + group12);
                        }
                    }
                };
            }
        };
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
        result = Results.handshake(context, sendSni ? Optional.of(serverName) : Optional.empty(), group12);
        if (result.version() == TlsVersion.TLS_1_2) {
            TlsSession session = context.getResumableSession();
            if (session != null) {
                sessions.put(serverName, session);
            }
        }
    }
}
