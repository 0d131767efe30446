package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpSegment;
import org.junit.jupiter.api.Test;

class DebugSeedTest {
    @Test
    void debug() throws Exception {
        long seed = Long.getLong("dbg.seed", 192);
        int bytes = 1 << 20;
        CongestionControl.Kind cc = seed % 2 == 0 ? CongestionControl.Kind.CUBIC : CongestionControl.Kind.NEW_RENO;
        boolean ext = seed % 5 != 4;
        TcpConfig config = TcpConfig.DEFAULT.withCongestionControl(cc).withTimeWait(2_000_000_000L).withExtensions(ext, ext, ext);
        SimNet net = new SimNet(seed, SimNet.Impairments.LOSSY);
        SimNet.Node a = net.node("10.0.0.1/24", 1500, config);
        SimNet.Node b = net.node("10.0.0.2/24", 1500, config);
        List<Transfer> ends = new ArrayList<>();
        b.tcp.listen(80, 16);
        b.tcp.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                ends.add(new Transfer(c, seed * 2 + 1, bytes));
            }
        });
        int[] isn = new int[2];
        long watch = Long.getLong("dbg.pos", 825360);
        net.deliverTap = (n, d) -> {
            Ipv4Packet p = new Ipv4Packet();
            ByteBuffer bb = ByteBuffer.wrap(d);
            if (!p.check(bb, 0, d.length) || !p.checksumVerifies()) return;
            TcpSegment t = new TcpSegment();
            if (!t.check(bb, p.payloadOffset(), p.payloadLength()) || !t.checksumVerifies(p.source(), p.destination())) return;
            if (n == a && t.syn()) isn[1] = t.sequence() + 1;
            if (net.now > Long.getLong("dbg.after", 0)) {
                TcpConnection cc0 = ends.get(0).connection;
                System.out.println("t=" + net.now + (n == a ? " to a " : " to b ") + "seq " + t.sequence() + " ack " + t.acknowledgment()
                        + " len " + t.payloadLength() + " flags " + Integer.toHexString(t.flags()) + " win " + t.window()
                        + " sack " + t.sackBlockCount() + " | a.rcvNxt " + cc0.rcvNxt + " a.rcvAdv " + cc0.rcvAdv + " a.rcvLen " + cc0.rcvLen
                        + " a.ooo " + cc0.oooCount + " a.state " + cc0.state);
            }
            if (n == a && t.payloadLength() > 0) {
                long rel = (t.sequence() - isn[1]) & 0xffffffffL;
                if (rel <= watch && watch < rel + t.payloadLength()) {
                    int o = t.payloadOffset() + (int) (watch - rel);
                    System.out.println("t=" + net.now + " to a: rel " + rel + " len " + t.payloadLength() + " byte@watch " + d[o]
                            + " a.rcvNxtRel " + ((ends.get(0).connection.rcvNxt - isn[1]) & 0xffffffffL) + " ooo " + ends.get(0).connection.oooCount);
                }
            }
        };
        net.tap = (n, d) -> {
            Ipv4Packet p = new Ipv4Packet();
            ByteBuffer bb = ByteBuffer.wrap(d);
            p.check(bb, 0, d.length);
            TcpSegment t = new TcpSegment();
            if (p.moreFragments() || p.fragmentOffset() != 0) { System.out.println("FRAGMENT"); return; }
            t.check(bb, p.payloadOffset(), p.payloadLength());
            if (net.now > Long.getLong("dbg.after", 0)) {
                System.out.println("t=" + net.now + (n == a ? " SENT by a " : " SENT by b ") + "seq " + t.sequence() + " ack " + t.acknowledgment()
                        + " len " + t.payloadLength() + " flags " + Integer.toHexString(t.flags()));
            }
        };
        TcpConnection client = a.tcp.connect(0, null, b.address, 80, 60_000_000_000L);
        Transfer clientEnd = new Transfer(client, seed * 2, bytes);
        ends.add(clientEnd);
        while (net.now < 3_600_000_000_000L) {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int i = 0; i < ends.size(); i++) moved |= ends.get(i).pump(net.now);
            }
            if (ends.size() == 2 && ends.stream().allMatch(Transfer::done)) break;
            if (!net.step(Long.MAX_VALUE)) break;
        }
        Transfer server = ends.get(1);
        System.out.println("expected byte " + server.out[(int) watch] + " first diff " + clientEnd.firstDifference(server.out)
                + " client " + client + " term " + client.termination() + " server " + server.connection + " " + server.connection.termination());
    }
}
