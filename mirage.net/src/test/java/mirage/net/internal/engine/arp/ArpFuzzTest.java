package mirage.net.internal.engine.arp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.net.Arp;

/**
 * Arbitrary frames into the Ethernet and ARP receive path, with arbitrary times and polls
 * between them: nothing may throw, and the cache stays within its capacity.
 */
class ArpFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void receivePath(FuzzedDataProvider data) {
        ArpConfig config = ArpConfig.DEFAULTS.withCacheCapacity(4).withQueue(2, 3);
        ArpFixture f = ArpFixture.bound(config);
        f.arp.output(0, ArpFixture.PEER_IP, ArpFixture.packet(1, 20));
        long now = 0;
        while (data.remainingBytes() > 0) {
            now += data.consumeLong(0, 100 * ArpFixture.SECOND);
            byte[] frame = data.consumeBytes(data.consumeInt(0, 128));
            f.ethernet.receive(now, ByteBuffer.wrap(frame).asReadOnlyBuffer());
            if (data.consumeBoolean()) {
                f.arp.poll(now);
            }
            if (data.consumeBoolean()) {
                f.arp.output(now, new mirage.net.Ipv4Address(data.consumeInt()), ArpFixture.packet(2, 10));
            }
        }
        assertTrue(f.arp.entries().size() <= config.cacheCapacity());
        assertTrue(f.arp.queued() <= config.queueTotal());
        for (Arp.Entry e : f.arp.entries()) {
            assertTrue(e.state() == Arp.State.PENDING || e.mac().orElseThrow().isUnicast());
        }
    }
}
