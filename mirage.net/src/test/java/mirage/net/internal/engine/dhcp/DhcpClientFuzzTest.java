package mirage.net.internal.engine.dhcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import mirage.net.internal.engine.dhcp.DhcpClient.State;

/**
 * Arbitrary bytes as server replies, in every state, with time passing and the binding's calls
 * between them: nothing may throw, and {@link Exerciser}'s invariants hold after every step.
 *
 * <p>The input is a configuration byte, then a sequence of steps, each
 * {@code flags, seconds (2 bytes), length (2 bytes), reply[length]} (big-endian; a short last
 * step takes what is left). The configuration byte: bit 0 gives a requested address (the client
 * starts in REBOOTING), bit 1 asks for unicast replies. Each step: time advances by
 * {@code seconds} plus {@code flags >>> 5} tenths of a second; then bit 0 of {@code flags}
 * polls, bit 4 starts the client if it is in INIT, a non-empty reply is received (bit 1 first
 * gives it the current {@code xid}, our {@code chaddr} and {@code op} BOOTREPLY, so that the
 * fuzzer gets past the exchange check), bit 2 declines and bit 3 releases.
 *
 * <p>Seeds ({@link DhcpClientFuzzSeeds}) are the replies of the captured dnsmasq exchange in
 * this form, arranged to walk the client through every state.
 */
class DhcpClientFuzzTest {
    static final int POLL = 1, PATCH = 2, DECLINE = 4, RELEASE = 8, START = 16;

    @FuzzTest(maxDuration = "10s")
    void replies(byte[] data) {
        run(data);
    }

    /** Runs one input; returns the client, for tests of the seeds. */
    static Exerciser run(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        int configBits = in.hasRemaining() ? in.get() & 0xff : 0;
        DhcpClientConfig.Builder b = DhcpClientConfig.builder();
        if ((configBits & 1) != 0) {
            b.requestedAddress(TestServer.LEASED);
        }
        if ((configBits & 2) != 0) {
            b.replies(DhcpClientConfig.Replies.UNICAST);
        }
        Exerciser x = new Exerciser(b.build(), 5);
        while (in.remaining() >= 5) {
            int flags = in.get() & 0xff;
            long seconds = in.getShort() & 0xffff;
            int length = Math.min(in.getShort() & 0xffff, in.remaining());
            byte[] reply = Arrays.copyOfRange(data, in.position(), in.position() + length);
            in.position(in.position() + length);
            x.advance(seconds * Exerciser.SECOND + (flags >>> 5) * (Exerciser.SECOND / 10));
            if ((flags & POLL) != 0) {
                x.poll();
            }
            if ((flags & START) != 0 && x.client.state() == State.INIT) {
                x.start();
            }
            if (length > 0) {
                x.receive(reply, (flags & PATCH) != 0);
            }
            if ((flags & DECLINE) != 0) {
                x.decline();
            }
            if ((flags & RELEASE) != 0) {
                x.release();
            }
        }
        return x;
    }
}
