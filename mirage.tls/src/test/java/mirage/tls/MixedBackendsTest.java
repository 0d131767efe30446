package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.tls.Credentials.KeyType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each back-end against Bouncy Castle's pure-Java one, every suite, records of every awkward size
 * both ways: the JDK-cipher record layer ({@code Crypto.HYBRID}, {@code Crypto.JCA}) must produce
 * and accept exactly the records Bouncy Castle's own {@code TlsAEADCipher} does (nonces,
 * additional data, inner content type), which a client and a server of the same back-end cannot
 * show, since a mistake made on both sides cancels out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MixedBackendsTest {

    /** Record sizes around the AES block, the cipher's internal chunking and the 2^14 record limit. */
    private static final int[] SIZES = {1, 15, 16, 17, 31, 255, 511, 512, 513, 4096, 16383, 16384, 16385, 40000};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (CipherSuite suite : CipherSuite.values()) {
            for (Crypto ours : List.of(Crypto.HYBRID, Crypto.JCA)) {
                out.add(Arguments.of(suite, ours, Crypto.BOUNCY_CASTLE));
                out.add(Arguments.of(suite, Crypto.BOUNCY_CASTLE, ours));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} client {1} server {2}")
    @MethodSource("cases")
    void recordsOfEverySizeCrossBothWays(CipherSuite suite, Crypto clientCrypto, Crypto serverCrypto) throws Exception {
        Credentials cred = suite.name().contains("_RSA_") ? Fixtures.localhost(KeyType.RSA_2048)
                : Fixtures.localhost(KeyType.ECDSA_P256);
        var client = Fixtures.client(clientCrypto, cred).withVersions(suite.version()).withSuites(suite).build();
        var server = Fixtures.server(serverCrypto, cred).withVersions(suite.version()).onlyUsableSuites().build();
        int total = Arrays.stream(SIZES).sum();
        byte[] data = new byte[total];
        Rng.seeded(suite.ordinal()).nextBytes(data);
        var outcome = Fixtures.connect(client, "localhost", server,
                flow -> {
                    int off = 0;
                    for (int size : SIZES) { // each write is echoed before the next
                        flow.write(ByteBuffer.wrap(data, off, size));
                        assertArrayEquals(Arrays.copyOfRange(data, off, off + size), readExactly(flow, size));
                        off += size;
                    }
                    return flow.handshake().cipherSuite();
                },
                flow -> {
                    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                    int echoed = 0;
                    while (echoed < total) {
                        if (flow.read(buf.clear()) == Flow.EOF) {
                            throw new AssertionError("end of stream after " + echoed + " bytes");
                        }
                        echoed += buf.flip().remaining();
                        flow.write(buf);
                    }
                    return flow.handshake().cipherSuite();
                });
        assertEquals(suite, outcome.client(), () -> "client: " + outcome);
        assertEquals(suite, outcome.server(), () -> "server: " + outcome);
    }

    private static byte[] readExactly(Flow flow, int n) throws FlowException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (flow.read(buf) == Flow.EOF) {
                throw new AssertionError("end of stream after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.array();
    }
}
