package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of events against the neighbour cache: it never throws, never sends to an
 * unknown link-layer address, stays within its capacity and deadlines, and loses no packet: each
 * one queued is, in the end, sent, reported unreachable, or counted as dropped.
 */
class NeighborCachePropertiesTest {
    static final long S = 1_000_000_000L;

    static final class Counting implements NeighborLink {
        long transmitted;
        long unreachable;

        @Override
        public void solicit(Ipv6Address target, MacAddress destination) {
            assertNotNull(target);
        }

        @Override
        public void transmit(byte[] packet, int offset, int length, MacAddress mac) {
            assertNotNull(mac);
            transmitted++;
        }

        @Override
        public void unreachable(Ipv6Address target, byte[] packet, int length) {
            unreachable++;
        }
    }

    @Test
    void noPacketIsLostAndNoRuleBroken() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Counting link = new Counting();
            int perEntry = 100 + r.nextInt(100);
            NdpConfig config = new NdpConfig(1 + r.nextInt(3), 1 + r.nextInt(3), 5 * S, 30 * S, S, 1 + r.nextInt(4),
                    1 + r.nextInt(5), 100, perEntry, perEntry + r.nextInt(300));
            NeighborCache cache = new NeighborCache(config, link, Rng.seeded(seed), 0);
            Ipv6Address[] peers = new Ipv6Address[6];
            for (int i = 0; i < peers.length; i++) {
                peers[i] = new Ipv6Address(0xfe80_0000_0000_0000L, i + 1);
            }
            MacAddress[] macs = {MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02")};
            long now = 0;
            long sent = 0;
            long queued = 0;
            long refused = 0;
            for (int step = 0; step < 200; step++) {
                now += r.nextInt(4) == 0 ? r.nextLong(10 * S) : r.nextLong(S / 4);
                Ipv6Address peer = peers[r.nextInt(peers.length)];
                MacAddress mac = r.nextInt(5) == 0 ? null : macs[r.nextInt(2)];
                switch (r.nextInt(6)) {
                    case 0, 1 -> {
                        switch (cache.output(now, peer, new byte[50], 0, r.nextInt(5) == 0 ? 50 : 40)) {
                            case SENT -> sent++;
                            case QUEUED -> queued++;
                            case DROPPED -> refused++;
                        }
                    }
                    case 2 -> cache.advertisement(now, peer, mac, r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
                    case 3 -> {
                        if (mac != null) {
                            cache.learn(now, peer, mac, r.nextBoolean());
                        }
                    }
                    case 4 -> cache.confirm(now, peer);
                    default -> {
                        long next = cache.poll(now);
                        assertTrue(next > now, "a deadline after now: " + next + " <= " + now);
                    }
                }
                assertTrue(cache.size() <= config.capacity());
                assertTrue(cache.queuedBytes() >= 0 && cache.queuedBytes() <= config.queueBytes(), "queued " + cache.queuedBytes());
            }
            // No more packets: every resolution ends within MAX_MULTICAST_SOLICIT RetransTimers.
            for (int i = 0; i <= config.maxMulticastSolicit() + 1; i++) {
                now += S;
                cache.poll(now);
            }
            for (Ipv6Address p : peers) {
                assertTrue(cache.state(p).map(s -> s != NeighborCache.State.INCOMPLETE).orElse(true));
            }
            assertEquals(0, cache.queuedBytes(), "nothing waits once no entry resolves");
            long flushed = link.transmitted - sent;
            long droppedFromQueues = cache.queueDropped() - refused;
            assertEquals(queued, flushed + link.unreachable + droppedFromQueues,
                    "queued " + queued + " = sent later " + flushed + " + unreachable " + link.unreachable
                            + " + dropped " + droppedFromQueues);
        });
    }
}
