package mirage.tls;

/** The API suite on Bouncy Castle's JCA back-end (JDK providers). */
class JcaTlsApiTest extends TlsApiTest {
    @Override
    Crypto crypto() {
        return Crypto.JCA;
    }
}
