package mirage.net.internal.engine.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly.Outcome;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;

/**
 * Fragmentation then reassembly: any payload, with or without extension headers, fragmented at
 * any MTU from 1280 on and delivered in any order (duplicates aside) reassembles byte for byte;
 * every fragment fits the MTU, carries the Unfragmentable Part, and all but the last carry a
 * multiple of 8 octets.
 */
class Ipv6FragmentationPropertiesTest {

    @Test
    void anyPayload_anyMtu_anyOrder_reassemblesByteIdentical() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1280, 9000)).checkAssert((seed, mtu) -> {
            SplittableRandom r = new SplittableRandom(seed);
            List<Ipv6ExtensionHeader> headers = headers(r);
            int room = Ipv6Packet.MAX_PAYLOAD_LENGTH - headers.stream().mapToInt(Ipv6ExtensionHeader::bufferLen).sum();
            int length = r.nextInt(4) == 0 ? r.nextInt(room + 1) : r.nextInt(Math.min(room, 3 * mtu) + 1);
            byte[] whole = V6.packet(V6.PEER, V6.US, 17, headers, V6.bytes(length, r.nextInt()));
            List<byte[]> fragments = new ArrayList<>(V6.fragments(whole, mtu, seed));
            if (whole.length <= mtu) {
                assertEquals(1, fragments.size());
                assertArrayEquals(whole, fragments.getFirst());
                return;
            }
            checkShape(fragments, mtu, headers);
            Collections.shuffle(fragments, new Random(seed));
            Ipv6Reassembly reassembly = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULTS);
            for (int i = 0; i < fragments.size(); i++) {
                Outcome o = V6.add(reassembly, i, fragments.get(i));
                assertEquals(i == fragments.size() - 1 ? Outcome.COMPLETE : Outcome.PENDING, o);
            }
            assertArrayEquals(whole, V6.bytesOf(reassembly.complete()));
            reassembly.release();
            assertEquals(0, reassembly.bytes());
        });
    }

    private static List<Ipv6ExtensionHeader> headers(SplittableRandom r) {
        List<Ipv6ExtensionHeader> h = new ArrayList<>();
        if (r.nextBoolean()) {
            h.add(V6.hopByHop());
        }
        if (r.nextBoolean()) {
            h.add(V6.destinationOptions(r.nextInt(3)));
        }
        if (r.nextBoolean()) {
            h.add(V6.routing());
        }
        if (r.nextBoolean()) {
            h.add(V6.destinationOptions(r.nextInt(40)));
        }
        return h;
    }

    private static void checkShape(List<byte[]> fragments, int mtu, List<Ipv6ExtensionHeader> headers) {
        int unfragmentable = 0;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i) instanceof Ipv6ExtensionHeader.Routing || headers.get(i) instanceof Ipv6ExtensionHeader.HopByHopOptions) {
                unfragmentable = i + 1;
            }
        }
        Ipv6Packet p = new Ipv6Packet();
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        int identification = 0;
        for (int i = 0; i < fragments.size(); i++) {
            byte[] f = fragments.get(i);
            assertTrue(f.length <= mtu, () -> f.length + " > " + mtu);
            assertTrue(p.check(ByteBuffer.wrap(f), 0, f.length));
            assertTrue(c.check(p), () -> String.valueOf(c.error()));
            assertEquals(unfragmentable + 1, c.headerCount());
            assertTrue(c.isFragment() && !c.isAtomicFragment());
            assertEquals(i < fragments.size() - 1, c.moreFragments());
            if (c.moreFragments()) {
                assertEquals(0, c.upperLayerLength() % 8);
            }
            if (i == 0) {
                identification = c.fragmentIdentification();
            }
            assertEquals(identification, c.fragmentIdentification());
        }
    }
}
