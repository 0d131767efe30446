package mirage.tls.internal.engine;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * Checks of the peer's hello that Bouncy Castle 1.84 does not make, or makes with another alert
 * than the RFC names (decision 0053). Each runs on a whole handshake message body, after Bouncy
 * Castle has reassembled it and before Bouncy Castle reads it; a body too malformed to check is
 * passed on untouched, for Bouncy Castle to refuse with decode_error.
 */
final class HelloChecks {
    private HelloChecks() {}

    /** Extensions a TLS 1.3 ServerHello or HelloRetryRequest may carry (RFC 8446 4.2). */
    private static boolean allowedInServerHello13(int type) {
        return type == ExtensionType.supported_versions || type == ExtensionType.key_share
                || type == ExtensionType.pre_shared_key || type == ExtensionType.cookie;
    }

    /**
     * A ServerHello (or HelloRetryRequest) our client received.
     *
     * <ul>
     *   <li>supported_versions naming a version the client did not offer, or one before TLS 1.3:
     *       illegal_parameter (RFC 8446 4.2.1); Bouncy Castle says protocol_version.
     *   <li>in a TLS 1.3 ServerHello, an extension the client did not offer: unsupported_extension
     *       (RFC 8446 4.2), one it offered that a ServerHello may not carry: illegal_parameter;
     *       Bouncy Castle ignores both, and the handshake later fails with bad_record_mac.
     * </ul>
     */
    static void serverHello(byte[] body, Hashtable<Integer, byte[]> clientExtensions) throws IOException {
        Reader r = new Reader(body);
        if (!r.skip(2 + 32) || !r.skip(r.u8()) || !r.skip(2 + 1) || r.remaining() < 2) {
            return;
        }
        int end = r.u16();
        if (end < 0 || end != r.remaining()) {
            return;
        }
        int version = -1;
        int[] types = new int[end / 4];
        int count = 0;
        while (r.remaining() >= 4) {
            int type = r.u16();
            int length = r.u16();
            if (type == ExtensionType.supported_versions && length == 2) {
                version = r.u16();
            } else if (!r.skip(length)) {
                return;
            }
            types[count++] = type;
        }
        if (version < 0) {
            return;
        }
        ProtocolVersion[] offered = TlsExtensionsUtils.getSupportedVersionsExtensionClient(clientExtensions);
        boolean wasOffered = false;
        if (offered != null) {
            for (ProtocolVersion v : offered) {
                wasOffered |= v.getFullVersion() == version;
            }
        }
        if (!wasOffered || version < ProtocolVersion.TLSv13.getFullVersion()) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                    "ServerHello selected version 0x" + Integer.toHexString(version) + ", not offered or before TLS 1.3");
        }
        for (int i = 0; i < count; i++) {
            int type = types[i];
            if (clientExtensions == null || !clientExtensions.containsKey(type)) {
                if (type != ExtensionType.cookie) {
                    throw new TlsFatalAlert(AlertDescription.unsupported_extension,
                            "TLS 1.3 ServerHello with the unrequested extension " + ExtensionType.getText(type));
                }
            } else if (!allowedInServerHello13(type)) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                        "TLS 1.3 ServerHello with the extension " + ExtensionType.getText(type));
            }
        }
    }

    /**
     * A ClientHello our server received.
     *
     * <ul>
     *   <li>compression methods without null: illegal_parameter (RFC 8446 4.1.2; RFC 5246
     *       7.4.1.2 requires null too); Bouncy Castle says handshake_failure.
     *   <li>offering TLS 1.3 (which this server does) with supported_groups but no key_share, or
     *       the other way round: missing_extension (RFC 8446 9.2); Bouncy Castle answers with a
     *       HelloRetryRequest.
     * </ul>
     */
    static void clientHello(byte[] body, boolean serverDoes13) throws IOException {
        Reader r = new Reader(body);
        if (!r.skip(2 + 32) || !r.skip(r.u8())) {
            return;
        }
        int suites = r.u16();
        if (suites < 0 || !r.skip(suites)) {
            return;
        }
        int methods = r.u8();
        if (methods < 1 || r.remaining() < methods) {
            return;
        }
        boolean hasNull = false;
        for (int i = 0; i < methods; i++) {
            hasNull |= r.u8() == 0;
        }
        if (!hasNull) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "ClientHello without the null compression method");
        }
        if (r.remaining() < 2 || r.u16() != r.remaining()) {
            return;
        }
        boolean offers13 = false;
        boolean groups = false;
        boolean keyShare = false;
        while (r.remaining() >= 4) {
            int type = r.u16();
            int length = r.u16();
            if (type == ExtensionType.supported_versions) {
                int n = r.u8();
                if (n != length - 1 || n % 2 != 0) {
                    return;
                }
                for (int i = 0; i < n; i += 2) {
                    offers13 |= r.u16() == ProtocolVersion.TLSv13.getFullVersion();
                }
                continue;
            }
            groups |= type == ExtensionType.supported_groups;
            keyShare |= type == ExtensionType.key_share;
            if (!r.skip(length)) {
                return;
            }
        }
        if (serverDoes13 && offers13 && groups != keyShare) {
            throw new TlsFatalAlert(AlertDescription.missing_extension, "TLS 1.3 ClientHello with "
                    + (groups ? "supported_groups but no key_share" : "key_share but no supported_groups"));
        }
    }

    /** Reads a body without ever reading past it; -1 (u8, u16) or false (skip) past the end. */
    private static final class Reader {
        private final byte[] b;
        private int i;

        Reader(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - i;
        }

        int u8() {
            return i < b.length ? b[i++] & 0xff : -1;
        }

        int u16() {
            if (i + 2 > b.length) {
                i = b.length;
                return -1;
            }
            int v = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
            return v;
        }

        boolean skip(int n) {
            if (n < 0 || n > remaining()) {
                return false;
            }
            i += n;
            return true;
        }
    }
}
