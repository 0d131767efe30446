package mirage.net.internal.engine.arp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.net.Arp;
import mirage.net.Ipv4Address;

/**
 * Arbitrary frames into the Ethernet and ARP receive path, with time passing and polls and
 * queued output between them: nothing may throw, and the cache and queue stay within bounds.
 *
 * <p>The input is a sequence of steps, each {@code flags, seconds, length, frame[length]}
 * (bytes; a short last step takes what is left): time advances by {@code seconds}, the frame is
 * received, then bit 0 of {@code flags} polls and bit 1 queues a packet for 10.0.0.x with x the
 * top six bits of {@code flags}. Seeds under
 * {@code src/test/resources/mirage/net/internal/engine/arp/ArpFuzzTestInputs/receivePath/} hold
 * ARP requests, replies, probes and conflicts in this form.
 */
class ArpFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void receivePath(byte[] data) {
        ArpConfig config = ArpConfig.DEFAULTS.withCacheCapacity(4).withQueue(2, 3);
        ArpFixture f = ArpFixture.bound(config);
        f.arp.output(0, ArpFixture.PEER_IP, ArpFixture.packet(1, 20));
        ByteBuffer in = ByteBuffer.wrap(data);
        long now = ArpFixture.SECOND * 2;
        while (in.remaining() >= 3) {
            int flags = in.get() & 0xff;
            now += (in.get() & 0xff) * ArpFixture.SECOND;
            int length = Math.min(in.get() & 0xff, in.remaining());
            f.ethernet.receive(now, in.slice(in.position(), length).asReadOnlyBuffer());
            in.position(in.position() + length);
            if ((flags & 1) != 0) {
                f.arp.poll(now);
            }
            if ((flags & 2) != 0) {
                f.arp.output(now, Ipv4Address.of(10, 0, 0, flags >>> 2), ArpFixture.packet(2, 10));
            }
        }
        assertTrue(f.arp.entries().size() <= config.cacheCapacity());
        assertTrue(f.arp.queued() <= config.queueTotal());
        for (Arp.Entry e : f.arp.entries()) {
            assertTrue(e.state() == Arp.State.PENDING || e.mac().orElseThrow().isUnicast());
        }
    }
}
