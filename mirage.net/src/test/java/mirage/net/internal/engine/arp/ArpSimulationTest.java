package mirage.net.internal.engine.arp;

import mirage.net.SimulatedNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.link.SimSwitch;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Two ARP engines on a lossy, reordering, duplicating switch under a simulation: each probes
 * and announces its address, then sends to the other; both resolve and every queued packet
 * arrives. Seeds are fixed; the same seed gives the same trace, event for event.
 */
class ArpSimulationTest {
    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:0b");
    private static final Ipv4Address IP_A = Ipv4Address.parse("192.168.7.10");
    private static final Ipv4Address IP_B = Ipv4Address.parse("192.168.7.11");
    private static final SimulatedNetwork.Impairments LOSSY =
            new SimulatedNetwork.Impairments(0.2, 1_000_000, 2_000_000, 0.3, 5_000_000, 0.1, 0);

    record Run(List<String> trace, SimHost a, SimHost b) {}

    private static Run run(long seed) {
        Simulation sim = Simulation.create(seed);
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(seed, 1), LOSSY);
        SimHost a = new SimHost(sim, sw, "a", MAC_A, ArpConfig.DEFAULTS, Rng.seeded(seed, 2));
        SimHost b = new SimHost(sim, sw, "b", MAC_B, ArpConfig.DEFAULTS, Rng.seeded(seed, 3));
        a.addAddress(IP_A);
        b.addAddress(IP_B);
        sim.loop().schedule(15_000_000_000L, () -> {
            a.output(IP_B, "a1");
            a.output(IP_B, "a2");
            b.output(IP_A, "b1");
        });
        sim.runFor(Duration.ofSeconds(30));
        return new Run(sim.trace(), a, b);
    }

    @Test
    void twoHosts_lossyLink_resolveEachOtherAndDeliverQueue() {
        Run r = run(20261126L);
        assertTrue(r.a().arp.answersFor(IP_A) && r.b().arp.answersFor(IP_B), "both addresses bound");
        assertEquals(Optional.of(MAC_B), r.a().arp.query(20_000_000_000L, IP_B));
        assertEquals(Optional.of(MAC_A), r.b().arp.query(20_000_000_000L, IP_A));
        // The link reorders and duplicates, so order and count at the receiver are the link's.
        assertEquals(List.of("a1", "a2"), r.b().ipv4Received.stream().distinct().sorted().toList());
        assertEquals(List.of("b1"), r.a().ipv4Received.stream().distinct().toList());
        assertEquals(0, r.a().arp.stats().conflicts() + r.b().arp.stats().conflicts());
        assertEquals(0, r.a().arp.stats().queueDropped() + r.b().arp.stats().queueDropped());
    }

    @Test
    void sameSeed_sameTrace() {
        List<String> first = run(99).trace();
        assertTrue(first.size() > 10, "something happened: " + first);
        assertEquals(first, run(99).trace());
        assertNotEquals(first, run(100).trace());
    }

    @Test
    void manySeeds_lossyLink_nothingThrowsAndStateIsConsistent() {
        for (long seed = 0; seed < 50; seed++) {
            Run r = run(seed);
            for (SimHost h : List.of(r.a(), r.b())) {
                assertEquals(0, h.arp.stats().malformed(), "seed " + seed);
                assertEquals(0, h.arp.queued() > 0 ? 1 : 0, "nothing waits after 15 s, seed " + seed);
                int delivered = (int) h.ipv4Received.stream().distinct().count();
                assertTrue(delivered <= 2, "seed " + seed);
            }
            long dropped = r.a().arp.stats().queueDropped() + r.b().arp.stats().queueDropped();
            long sent = r.a().ipv4Sent + r.b().ipv4Sent;
            assertEquals(3, sent + dropped, "every packet sent or counted dropped, seed " + seed);
        }
    }
}
