package mirage.net.internal.engine.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.CapturingLink;
import org.junit.jupiter.api.Test;

/** {@link Ipv4Engine#sendPrepared} sends what {@link Ipv4Engine#send} sends, from the payload already in place. */
class Ipv4SendPreparedTest {
    static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.9");

    static Ipv4Engine engine(CapturingLink link) {
        return new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.1/24")), List.of()), link, Rng.seeded(3));
    }

    @Test
    void sendPrepared_payloadInPlace_sameDatagramAsSend() {
        byte[] payload = new byte[300];
        Arrays.fill(payload, (byte) 0x5a);
        CapturingLink l1 = new CapturingLink(1500);
        Ipv4Engine e1 = engine(l1);
        e1.send(0, Ipv4Address.parse("10.0.0.1"), PEER, 6, 64, Ipv4.Fragmentation.ALLOW, ByteBuffer.wrap(payload));
        CapturingLink l2 = new CapturingLink(1500);
        Ipv4Engine e2 = engine(l2);
        e2.transmitBuffer().put(20, payload);
        assertEquals(Ipv4Engine.Outcome.SENT,
                e2.sendPrepared(0, Ipv4Address.parse("10.0.0.1"), PEER, 6, 64, Ipv4.Fragmentation.ALLOW, 300));
        assertArrayEquals(l1.sent.get(0).bytes(), l2.sent.get(0).bytes());
        assertEquals(PEER, l2.sent.get(0).nextHop());
    }

    @Test
    void sendPrepared_overMtu_fragmentsLikeSend() {
        CapturingLink link = new CapturingLink(576);
        Ipv4Engine e = engine(link);
        e.transmitBuffer().put(20, new byte[1000]);
        assertEquals(Ipv4Engine.Outcome.SENT,
                e.sendPrepared(0, Ipv4Address.parse("10.0.0.1"), PEER, 6, 64, Ipv4.Fragmentation.ALLOW, 1000));
        assertEquals(2, link.sent.size());
        assertEquals(1, e.stats().packetsSent());
    }

    @Test
    void sendPrepared_noRoute_refused() {
        Ipv4Engine e = engine(new CapturingLink(1500));
        assertEquals(Ipv4Engine.Outcome.NO_ROUTE, e.sendPrepared(0, Ipv4Address.parse("10.0.0.1"),
                Ipv4Address.parse("192.0.2.1"), 6, 64, Ipv4.Fragmentation.ALLOW, 10));
    }
}
