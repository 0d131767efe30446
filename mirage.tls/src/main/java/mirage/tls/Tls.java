package mirage.tls;

import java.util.Objects;
import mirage.core.Flow;
import mirage.tls.internal.binding.EngineFlow;

/** Where TLS flows come from. Static factories only. */
public interface Tls {

    /**
     * A TLS client over {@code transport}; the handshake starts on first use. The flow owns the
     * transport from now on: closing it closes the transport.
     *
     * @param serverName the host name the server's certificate must name (a DNS name, sent as
     *                   SNI, or an IP address literal, checked against IP address names and
     *                   not sent)
     * @throws TlsConfigException if {@code serverName} is neither a DNS name nor an IP literal
     */
    static TlsFlow client(Flow transport, ClientConfig config, String serverName) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(config, "config");
        return EngineFlow.client(transport, config, serverName);
    }

    /**
     * A TLS server over {@code transport}; the handshake starts on first use. The flow owns the
     * transport from now on.
     */
    static TlsFlow server(Flow transport, ServerConfig config) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(config, "config");
        return EngineFlow.server(transport, config);
    }
}
