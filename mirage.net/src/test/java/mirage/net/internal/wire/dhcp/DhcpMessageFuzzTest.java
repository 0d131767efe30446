package mirage.net.internal.wire.dhcp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The checked view and the parser on any bytes: a typed error or a message that re-emits to
 * itself, never an exception. Seeds: the captured exchange ({@link Seeds}).
 */
class DhcpMessageFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] input) {
        Exercise.bytes(input);
    }
}
