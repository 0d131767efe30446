package mirage.net.internal.engine.arp;

import static mirage.net.internal.engine.arp.ArpFixture.OTHER;
import static mirage.net.internal.engine.arp.ArpFixture.OTHER_IP;
import static mirage.net.internal.engine.arp.ArpFixture.OUR_IP;
import static mirage.net.internal.engine.arp.ArpFixture.PEER;
import static mirage.net.internal.engine.arp.ArpFixture.PEER_IP;
import static mirage.net.internal.engine.arp.ArpFixture.SECOND;
import static mirage.net.internal.engine.arp.ArpFixture.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import mirage.net.Arp;
import mirage.net.Ethernet;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.EthernetFrame;
import org.junit.jupiter.api.Test;

/**
 * Random frames, and valid ARP frames with random bytes changed, fed to the Ethernet and ARP
 * engines: nothing throws; each frame moves exactly one Ethernet counter; ARP counters never go
 * down; the cache only ever holds unicast bindings of other stations within its capacity; our
 * addresses change only on a counted conflict; everything sent comes from our MAC.
 */
class ArpPropertiesTest {

    private static final List<byte[]> VALID = List.of(
            ArpFixture.request(PEER, PEER_IP, OUR_IP),
            ArpFixture.reply(PEER, PEER_IP, US, OUR_IP),
            ArpFixture.request(OTHER, OTHER_IP, OUR_IP),
            ArpFixture.request(OTHER, OTHER_IP, OTHER_IP),
            ArpFixture.request(PEER, OUR_IP, OUR_IP),
            ArpFixture.request(PEER, Ipv4Address.UNSPECIFIED, OUR_IP));

    private static byte[] randomFrame(SplittableRandom r) {
        if (r.nextInt(3) == 0) {
            byte[] b = new byte[r.nextInt(0, 80)];
            r.nextBytes(b);
            if (b.length >= 14 && r.nextBoolean()) {
                b[12] = 0x08; // aim at the ARP engine often
                b[13] = 0x06;
            }
            return b;
        }
        byte[] base = VALID.get(r.nextInt(VALID.size()));
        byte[] b = java.util.Arrays.copyOf(base, r.nextInt(4) == 0 ? r.nextInt(base.length + 1) : base.length);
        int flips = r.nextInt(0, 4);
        for (int i = 0; i < flips && b.length > 0; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }

    private static long ethernetTotal(Ethernet.Stats s) {
        return s.framesReceived() + s.notForUs() + s.unknownType() + s.vlanTagged() + s.malformed();
    }

    private static void assertMonotonic(Arp.Stats before, Arp.Stats after) {
        assertTrue(after.requestsSent() >= before.requestsSent()
                && after.repliesSent() >= before.repliesSent()
                && after.announcementsSent() >= before.announcementsSent()
                && after.requestsReceived() >= before.requestsReceived()
                && after.repliesReceived() >= before.repliesReceived()
                && after.conflicts() >= before.conflicts()
                && after.malformed() >= before.malformed()
                && after.queueDropped() >= before.queueDropped(), before + " -> " + after);
    }

    @Test
    void anyFrames_intoEngines_onlyMoveCountersAndCacheConsistently() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            ArpConfig config = ArpConfig.DEFAULTS.withCacheCapacity(4);
            ArpFixture f = ArpFixture.bound(config);
            f.arp.output(0, PEER_IP, ArpFixture.packet(1, 20));
            long now = 0;
            for (int i = 0; i < 60; i++) {
                now += r.nextLong(0, SECOND);
                byte[] frame = randomFrame(r);
                Ethernet.Stats eBefore = f.ethernet.stats();
                Arp.Stats aBefore = f.arp.stats();
                List<Ipv4Address> addressesBefore = f.arp.addresses();
                int sentBefore = f.sent.size();
                f.receive(now, frame);
                if (r.nextInt(4) == 0) {
                    f.arp.poll(now);
                }
                assertEquals(ethernetTotal(eBefore) + 1, ethernetTotal(f.ethernet.stats()), "one counter per frame");
                Arp.Stats aAfter = f.arp.stats();
                assertMonotonic(aBefore, aAfter);
                if (!f.arp.addresses().equals(addressesBefore)) {
                    assertTrue(aAfter.conflicts() > aBefore.conflicts(), "addresses change only on a conflict");
                }
                List<Arp.Entry> entries = f.arp.entries();
                assertTrue(entries.size() <= config.cacheCapacity());
                for (Arp.Entry e : entries) {
                    assertTrue(!e.address().isUnspecified() && !e.address().equals(OUR_IP), e.toString());
                    if (e.state() == Arp.State.RESOLVED) {
                        MacAddress mac = e.mac().orElseThrow();
                        assertTrue(mac.isUnicast() && !mac.equals(US), e.toString());
                    } else {
                        assertEquals(PEER_IP, e.address(), "only queried addresses are pending");
                    }
                }
                for (int s = sentBefore; s < f.sent.size(); s++) {
                    ByteBuffer b = ByteBuffer.wrap(f.sent.get(s));
                    EthernetFrame out = new EthernetFrame();
                    assertTrue(out.check(b, 0, b.limit()));
                    assertEquals(US.bits(), out.source());
                }
                assertTrue(f.arp.queued() <= config.queueTotal());
            }
        });
    }
}
