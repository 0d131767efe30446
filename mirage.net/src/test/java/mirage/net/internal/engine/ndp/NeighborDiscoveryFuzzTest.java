package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.Ipv6Address;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Parsed;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary sequences of ICMPv6 messages (Router Advertisements, solicitations, advertisements,
 * Redirects, MLD queries: whatever the bytes make), packets and time into
 * {@link NeighborDiscovery}, each message parsed from bytes by the wire layer's views
 * ({@code Icmpv6Packet.check}, {@code Icmpv6Repr.parse}): nothing may throw and
 * {@link NdpDriver#check} must hold after every step (bounded lists, no expired router
 * selected, no tentative or duplicate address used).
 *
 * <p>Input: records of {@code [op][time][flags][length: 2 octets][payload]}. {@code op % 4}: 0 a
 * message (payload: source, destination, hop limit, ICMPv6 message: the layout of
 * {@code Ipv6WireFuzzTest#icmpv6}'s seeds), 1 a packet to the destination in the payload's first
 * 16 octets, 2 the interface restarted, 3 only time. {@code time}: the low 6 bits times 10 ms, 1 s,
 * 1 min or 1 h by the high 2. {@code flags}: bit 0 fixes the checksum, bit 1 puts one of our
 * addresses (bits 4-5 choose which) in the target field, bit 2 makes it the source, bit 3 makes the
 * destination its solicited-node group. Seeds under
 * {@code src/test/resources/mirage/net/internal/engine/ndp/NeighborDiscoveryFuzzTestInputs/messages/}
 * are Linux's frames in this layout ({@code seeds.py} beside them).
 */
class NeighborDiscoveryFuzzTest {
    static final long[] UNITS = {10_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};

    @FuzzTest(maxDuration = "10s")
    void messages(byte[] data) {
        run(data);
    }

    /** The seeds reach what their names say (so the regression run exercises DAD, answers and routing). */
    @Test
    void seedsReachTheirStates() throws IOException {
        NdpDriver slaac = run(seed("slaac-and-routing"));
        assertEquals(1, slaac.nd.routing().advertisementsProcessed());
        assertTrue(slaac.nd.slaac().addresses().size() >= 1);
        assertTrue(slaac.sent + slaac.nd.cache().size() >= 1, "the packet went or waits");
        assertEquals(1, run(seed("dad-probe-duplicate")).nd.slaac().duplicates());
        assertEquals(1, run(seed("dad-advertisement-duplicate")).nd.slaac().duplicates());
        assertEquals(1, run(seed("solicitation-answered")).advertisements);
    }

    static byte[] seed(String name) throws IOException {
        try (InputStream in = NeighborDiscoveryFuzzTest.class.getResourceAsStream(
                "NeighborDiscoveryFuzzTestInputs/messages/" + name)) {
            return in.readAllBytes();
        }
    }

    static NdpDriver run(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        NdpDriver d = new NdpDriver(data.length, data.length % 2 == 0);
        long now = 0;
        d.start(now);
        while (in.remaining() >= 5) {
            int op = in.get() & 3;
            int time = in.get() & 0xff;
            int flags = in.get() & 0xff;
            int length = Math.min(in.getShort() & 0xffff, in.remaining());
            byte[] payload = new byte[length];
            in.get(payload);
            now += (time & 0x3f) * UNITS[time >>> 6];
            switch (op) {
                case 0 -> message(d, now, flags, payload);
                case 1 -> {
                    if (length >= 16) {
                        Ipv6Address destination = Ipv6Address.of(java.util.Arrays.copyOf(payload, 16));
                        Ipv6Address hop = d.nd.routing().nextHop(now, destination);
                        if (hop != null && !hop.isMulticast()) {
                            d.nd.cache().output(now, hop, payload, 0, length);
                        }
                    }
                }
                case 2 -> d.start(now);
                default -> {
                }
            }
            d.nd.poll(now);
            d.check(now);
        }
        return d;
    }

    static void message(NdpDriver d, long now, int flags, byte[] payload) {
        if (payload.length < 33 + Icmpv6Packet.HEADER_LENGTH) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        List<Slaac.AddressInfo> ours = d.nd.slaac().addresses();
        if (!ours.isEmpty()) {
            Ipv6Address mine = ours.get((flags >>> 4 & 3) % ours.size()).address().address();
            if ((flags & 2) != 0 && payload.length >= 33 + 24) {
                mine.write(b, 33 + 8);
            }
            if ((flags & 4) != 0) {
                mine.write(b, 0);
            }
            if ((flags & 8) != 0) {
                Icmpv6Repr.solicitedNode(mine).write(b, 16);
            }
        }
        Ipv6Address source = Ipv6Address.read(b, 0);
        Ipv6Address destination = Ipv6Address.read(b, 16);
        int hopLimit = payload[32] & 0xff;
        int at = 33;
        int len = payload.length - at;
        if ((flags & 1) != 0) {
            b.putShort(at + Icmpv6Packet.CHECKSUM, (short) 0);
            long sum = InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, len);
            b.putShort(at + Icmpv6Packet.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, at, len)));
        }
        Icmpv6Packet p = new Icmpv6Packet();
        if (p.check(b, at, len) && Icmpv6Repr.parse(p, source, destination, hopLimit) instanceof Parsed.Ok<Icmpv6Repr>(
                Icmpv6Repr m)) {
            d.receive(now, source, destination, m);
        }
    }
}
