package mirage.tls;

/** The API suite on Bouncy Castle's pure-Java back-end. */
class BcTlsApiTest extends TlsApiTest {
    @Override
    Crypto crypto() {
        return Crypto.BOUNCY_CASTLE;
    }
}
