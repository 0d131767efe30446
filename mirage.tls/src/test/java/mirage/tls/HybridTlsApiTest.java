package mirage.tls;

/** The API suite on the default back-end: BC's pure-Java asymmetric crypto, the JDK's ciphers. */
class HybridTlsApiTest extends TlsApiTest {
    @Override
    Crypto crypto() {
        return Crypto.HYBRID;
    }
}
