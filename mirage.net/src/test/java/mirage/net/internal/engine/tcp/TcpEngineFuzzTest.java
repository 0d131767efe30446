package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpSegment;

/**
 * The engine fed arbitrary segments and calls: a listener on port 80, connections to the peer,
 * then steps read from the fuzzer's bytes (a segment with fields near what the engine expects or
 * raw bytes, a write, a read, a shutdown, a close, a connect, time passing). Nothing may throw,
 * buffers and lists stay in their bounds, every connection sits in the timer structure at its
 * earliest deadline, and once the application closes everything and time
 * runs on, no connection and no timer remains. Seeds under
 * {@code src/test/resources/mirage/net/internal/engine/tcp/TcpEngineFuzzTestInputs/segments/}.
 */
class TcpEngineFuzzTest {
    static final int MAX = 8;

    @FuzzTest(maxDuration = "10s")
    void segments(FuzzedDataProvider data) throws NetException {
        TcpConfig config = TcpConfig.DEFAULT.withBuffers(4096, 4096).withMaxConnections(MAX)
                .withExtensions(data.consumeBoolean(), data.consumeBoolean(), data.consumeBoolean());
        TcpFixture f = new TcpFixture(config);
        f.tcp.listen(TcpFixture.PORT, 2);
        List<TcpConnection> mine = new ArrayList<>();
        ByteBuffer scratch = ByteBuffer.allocate(5000);
        int steps = 0;
        while (data.remainingBytes() > 0 && steps++ < 200) {
            List<TcpConnection> all = new ArrayList<>(mine);
            all.addAll(f.accepted);
            TcpConnection c = all.isEmpty() ? null : all.get(data.consumeInt(0, all.size() - 1));
            switch (data.consumeInt(0, 9)) {
                case 0, 1, 2, 3 -> segment(f, data, c);
                case 4 -> raw(f, data);
                case 5 -> {
                    if (c != null) {
                        c.write(f.now, ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 6000))));
                    }
                }
                case 6 -> {
                    if (c != null) {
                        c.read(f.now, scratch.clear().limit(data.consumeInt(1, 5000)));
                    }
                }
                case 7 -> {
                    if (c != null) {
                        switch (data.consumeInt(0, 3)) {
                            case 0 -> c.shutdownWrite(f.now);
                            case 1 -> c.shutdownRead(f.now);
                            case 2 -> c.close(f.now);
                            default -> c.abort(f.now);
                        }
                    }
                }
                case 8 -> {
                    try {
                        mine.add(f.tcp.connect(f.now, null, TcpFixture.PEER, 40000 + data.consumeInt(0, 3),
                                data.consumeLong(1, 100_000_000_000L)));
                    } catch (NetException e) {
                        assertEquals(NetException.Reason.DISCONNECTED, e.reason(), "only the limit can refuse here");
                    }
                }
                default -> f.advance(data.consumeLong(0, 5_000_000_000L));
            }
            f.link.drain();
            invariants(f);
        }
        // The application lets go of everything; time runs on: nothing may stay behind.
        for (TcpConnection c : mine) {
            c.close(f.now);
        }
        for (TcpConnection c : f.accepted) {
            c.close(f.now);
        }
        f.tcp.unlisten(f.now, TcpFixture.PORT);
        for (int i = 0; i < 100 && f.tcp.connections() > 0; i++) {
            f.advance(600_000_000_000L);
            f.link.drain();
        }
        List<TcpConnection> everyone = new ArrayList<>(mine);
        everyone.addAll(f.accepted);
        assertEquals(0, f.tcp.connections(), () -> "connections left: " + everyone.stream()
                .filter(c -> c.index >= 0).map(c -> c + " snd.wnd " + c.sndWnd + " unacked " + c.sndLen).toList());
        assertEquals(0, f.tcp.timers(), "timers left");
    }

    private static void invariants(TcpFixture f) {
        assertTrue(f.tcp.connections() <= MAX);
        assertTrue(f.tcp.timersConsistent(), "every connection in the timer structure at its earliest deadline");
        for (TcpConnection c : f.accepted) {
            check(c);
        }
    }

    private static void check(TcpConnection c) {
        assertTrue(c.rcvLen >= 0 && c.rcvLen <= c.rcvBuf.length);
        assertTrue(c.sndLen >= 0 && c.sndLen <= c.sndBuf.length);
        assertTrue(c.reassembly.count() >= 0 && c.reassembly.count() <= ReassemblyQueue.MAX);
        assertTrue(c.scoreboard.count() >= 0 && c.scoreboard.count() <= SackScoreboard.MAX);
    }

    /** A well-formed segment with fields near the engine's expectations, so that deep paths are reached. */
    private static void segment(TcpFixture f, FuzzedDataProvider data, TcpConnection c) {
        int port = c != null ? c.remotePort() : 40000 + data.consumeInt(0, 3);
        int ourPort = c != null ? c.localPort() : TcpFixture.PORT;
        int seq = c != null ? c.rcvNxt + data.consumeInt(-3000, 3000) : data.consumeInt();
        int ack = c != null ? c.sndUna + data.consumeInt(-3000, 3000) : data.consumeInt();
        if (c != null && data.consumeBoolean()) {
            seq = data.consumeInt();
        }
        int flags = data.consumeInt(0, 0xff);
        int window = data.consumeInt(0, 0xffff);
        byte[] options = data.consumeBytes(data.consumeInt(0, 40) & ~3);
        byte[] payload = data.consumeBytes(data.consumeInt(0, 1500));
        ByteBuffer b = ByteBuffer.allocate(20 + options.length + payload.length);
        b.putShort(0, (short) port);
        b.putShort(2, (short) ourPort);
        b.putInt(4, seq);
        b.putInt(8, ack);
        b.put(12, (byte) ((20 + options.length) / 4 << 4));
        b.put(13, (byte) flags);
        b.putShort(14, (short) window);
        b.put(20, options);
        b.put(20 + options.length, payload);
        long sum = InternetChecksum.pseudoHeader(TcpFixture.PEER.bits(), TcpFixture.US.bits(), Ipv4Packet.PROTOCOL_TCP,
                b.capacity());
        b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, b.capacity())));
        byte[] d = Packets.ipv4(TcpFixture.PEER, TcpFixture.US, Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, b.array());
        f.receive(d);
    }

    /** Arbitrary bytes as the TCP part of a datagram to us (checksum fixed or not). */
    private static void raw(TcpFixture f, FuzzedDataProvider data) {
        boolean fix = data.consumeBoolean();
        byte[] tcp = data.consumeBytes(data.consumeInt(0, 200));
        if (fix && tcp.length >= 20) {
            ByteBuffer b = ByteBuffer.wrap(tcp);
            b.putShort(TcpSegment.CHECKSUM, (short) 0);
            long sum = InternetChecksum.pseudoHeader(TcpFixture.PEER.bits(), TcpFixture.US.bits(),
                    Ipv4Packet.PROTOCOL_TCP, tcp.length);
            b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, tcp.length)));
        }
        byte[] d = Packets.ipv4(TcpFixture.PEER, TcpFixture.US, Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, tcp);
        f.receive(d);
    }
}
