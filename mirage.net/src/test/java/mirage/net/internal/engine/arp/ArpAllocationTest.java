package mirage.net.internal.engine.arp;

import static mirage.net.internal.engine.arp.ArpFixture.OUR_IP;
import static mirage.net.internal.engine.arp.ArpFixture.PEER;
import static mirage.net.internal.engine.arp.ArpFixture.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import mirage.core.Rng;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.wire.EthernetFrame;
import org.junit.jupiter.api.Test;

/**
 * The receive path allocates nothing per frame (DESIGN.md section 5): a request for us is
 * checked, learned from and answered many times, and the thread's allocated bytes barely move.
 */
class ArpAllocationTest {

    /**
     * The thread's allocated bytes, by reflection: the test runs inside module {@code mirage.net},
     * which does not read {@code jdk.management} (and should not, for a test).
     */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
    }

    @Test
    void bound_manyRequestsForUs_allocateNothingPerFrame() throws ReflectiveOperationException {
        long[] sent = new long[1];
        EthernetEngine ethernet = new EthernetEngine(ArpFixture.US, 1500, f -> sent[0]++);
        ArpEngine arp = new ArpEngine(ethernet,
                ArpConfig.DEFAULTS.withAddressStart(ArpConfig.AddressStart.ANNOUNCE), Rng.seeded(1));
        arp.addAddress(0, OUR_IP);
        ByteBuffer request = ByteBuffer.wrap(ArpFixture.request(PEER, PEER_IP, OUR_IP)).asReadOnlyBuffer();
        for (int i = 0; i < 20_000; i++) {
            receive(ethernet, arp, i, request);
        }
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) { // what measuring costs, once reflection has warmed up
            long a = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - a);
        }
        long before = allocatedBytes();
        assertTrue(before > 0, "allocation measurement is supported by this JVM");
        int frames = 1_000_000;
        for (int i = 0; i < frames; i++) {
            receive(ethernet, arp, 20_000 + i, request);
        }
        long allocated = allocatedBytes() - before - overhead;
        assertEquals(20_000 + frames, sent[0], "every request answered");
        // Less than a byte per frame: one object per frame would be at least 16.
        assertTrue(allocated < frames, "about 0 bytes per frame, got " + allocated + " for " + frames + " frames");
    }

    /** An ARP frame through the Ethernet engine into the ARP engine, as the stack's binding passes it. */
    private static void receive(EthernetEngine ethernet, ArpEngine arp, long now, ByteBuffer frame) {
        EthernetFrame f = ethernet.receive(now, frame);
        arp.receive(now, f.buffer(), f.payloadOffset(), f.payloadLength());
    }
}
