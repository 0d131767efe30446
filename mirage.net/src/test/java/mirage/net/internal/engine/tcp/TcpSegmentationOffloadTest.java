package mirage.net.internal.engine.tcp;

import static mirage.net.internal.engine.tcp.TcpFixture.ACK;
import static mirage.net.internal.engine.tcp.TcpFixture.PSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.engine.CapturingLink;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpOption;
import mirage.net.internal.wire.TcpSegment;
import mirage.net.internal.wire.TcpSegmenter;
import org.junit.jupiter.api.Test;

/**
 * TCP segmentation offload (docs/decisions/0027): on a link that takes it, the engine sends new
 * data as super-segments, and cutting them in software gives, byte for byte, what the same engine
 * sends on a link without it; retransmissions stay MSS-sized; nothing exceeds the link's limit.
 */
class TcpSegmentationOffloadTest {
    static final int MAX = 0xffff;

    /** Two engines from the same seeds driven by the same script: one plain, one offloading. */
    final TcpFixture plain = new TcpFixture(TcpConfig.DEFAULT, 0);
    final TcpFixture offload = new TcpFixture(TcpConfig.DEFAULT, MAX);

    /** What {@code f}'s link carried since the last call, super-segments cut in software. */
    static List<String> wire(TcpFixture f, List<CapturingLink.Sent> supers) {
        List<String> out = new ArrayList<>();
        TcpSegmenter segmenter = new TcpSegmenter(TcpSegmenter.NONE, 1500);
        for (CapturingLink.Sent s : f.link.drain()) {
            if (s.segmentSize() == 0) {
                assertTrue(s.bytes().length <= 1500, "a plain datagram fits the MTU");
                out.add(HexFormat.of().formatHex(s.bytes()));
            } else {
                assertTrue(s.inPlace(), "a super-segment is written where the link sends it from");
                supers.add(s);
                segmenter.segment(ByteBuffer.wrap(s.bytes()), s.segmentSize(), seg -> {
                    byte[] b = new byte[seg.remaining()];
                    seg.get(seg.position(), b);
                    out.add(HexFormat.of().formatHex(b));
                });
            }
        }
        return out;
    }

    /** Runs {@code step} on both fixtures and checks they put the same segments on the wire. */
    List<CapturingLink.Sent> same(Step step) throws NetException {
        step.run(plain);
        step.run(offload);
        List<CapturingLink.Sent> supers = new ArrayList<>();
        List<String> p = wire(plain, new ArrayList<>());
        List<String> o = wire(offload, supers);
        assertEquals(p.size(), o.size(), "segments on the wire");
        for (int i = 0; i < p.size(); i++) {
            assertEquals(p.get(i), o.get(i), "segment " + i + " of " + p.size());
        }
        return supers;
    }

    @FunctionalInterface
    interface Step {
        void run(TcpFixture f) throws NetException;
    }

    /** The connection established on both, the peer offering window scaling so that windows are large. */
    TcpConnection[] established(boolean noDelay) throws NetException {
        TcpConnection[] c = new TcpConnection[2];
        same(f -> {
            f.listen();
            f.sendTo(TcpFixture.PORT, TcpFixture.SYN, f.peerNxt, 0, 65535, new byte[0],
                    List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(7)));
            f.peerNxt++;
            f.peerAck = f.link.sent.isEmpty() ? 0 : seqOf(f.link.sent.get(0)) + 1;
            f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 65535, new byte[0], List.of());
            TcpConnection a = f.accepted.get(0);
            a.noDelay(f.now, noDelay);
            c[f == plain ? 0 : 1] = a;
        });
        return c;
    }

    static int seqOf(CapturingLink.Sent s) {
        ByteBuffer b = s.buffer();
        return b.getInt(Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.SEQUENCE);
    }

    /** The peer acknowledges everything sent so far with a window of {@code window} << 7 bytes. */
    static void ackAll(TcpFixture f, TcpConnection c, int window) {
        f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, c.sndMax, window, new byte[0], List.of());
    }

    @Test
    void bulk_superSegmentsCutInSoftware_areWhatThePlainEngineSends() throws NetException {
        TcpConnection[] c = established(false);
        byte[] data = TcpFixture.bytes(200_000);
        List<CapturingLink.Sent> supers = new ArrayList<>();
        supers.addAll(same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(data))));
        for (int round = 0; round < 20; round++) {
            supers.addAll(same(f -> {
                f.now += 1_000_000;
                ackAll(f, c[f == plain ? 0 : 1], 4096);
            }));
        }
        assertEquals(c[0].sndMax, c[1].sndMax, "both sent as far");
        assertTrue(supers.size() >= 3, "super-segments were sent: " + supers.size());
        for (CapturingLink.Sent s : supers) {
            assertTrue(s.bytes().length <= MAX, "at most 65535 bytes of IPv4");
            assertEquals(1460, s.segmentSize(), "cut at the MSS");
            ByteBuffer b = s.buffer();
            int tcpLength = s.bytes().length - Ipv4Packet.MIN_HEADER_LENGTH;
            assertEquals(InternetChecksum.fold(InternetChecksum.pseudoHeader(TcpFixture.US.bits(), TcpFixture.PEER.bits(),
                    Ipv4Packet.PROTOCOL_TCP, tcpLength)), b.getShort(Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.CHECKSUM) & 0xffff,
                    "the TCP checksum field holds the pseudo-header sum of the whole datagram");
            assertEquals(Ipv4Packet.FLAG_DONT_FRAGMENT, b.getShort(Ipv4Packet.FLAGS_FRAGMENT),
                    "not a fragment, and Don't Fragment as every TCP datagram (path MTU discovery, decision 0064)");
        }
        assertEquals(plain.tcp.stats().segmentsSent(), offload.tcp.stats().segmentsSent(), "segments counted alike");
        assertEquals(plain.ip.stats().packetsSent(), offload.ip.stats().packetsSent(), "datagrams counted alike");
    }

    @Test
    void tailBehindAShortSegmentInFlight_staysOutOfTheSuperSegment_noDelayTail_goesIn() throws NetException {
        TcpConnection[] c = established(false);
        same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)))); // short, unacknowledged
        List<CapturingLink.Sent> supers = same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(3 * 1460 + 100))));
        assertEquals(1, supers.size());
        assertEquals(Ipv4Packet.MIN_HEADER_LENGTH + 20 + 3 * 1460, supers.get(0).bytes().length, "whole segments only: Nagle holds the tail");
        assertEquals(ACK, supers.get(0).buffer().get(Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.FLAGS), "no PSH: data remains");

        TcpSegmentationOffloadTest other = new TcpSegmentationOffloadTest();
        TcpConnection[] e = other.established(true);
        other.same(f -> e[f == other.plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100))));
        List<CapturingLink.Sent> withTail = other.same(f -> e[f == other.plain ? 0 : 1].write(f.now,
                ByteBuffer.wrap(TcpFixture.bytes(3 * 1460 + 100))));
        assertEquals(1, withTail.size());
        assertEquals(Ipv4Packet.MIN_HEADER_LENGTH + 20 + 3 * 1460 + 100, withTail.get(0).bytes().length, "no-delay: the tail goes too");
        assertEquals(ACK | PSH, withTail.get(0).buffer().get(Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.FLAGS), "PSH: it ends the data");
    }

    /** Minshall's Nagle: behind whole segments only, the tail rides in the super-segment (Linux sends it too). */
    @Test
    void tailBehindWholeSegmentsOnly_goesIn_unlessCorked() throws NetException {
        TcpConnection[] c = established(false);
        List<CapturingLink.Sent> supers = same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(3 * 1460 + 100))));
        assertEquals(1, supers.size());
        assertEquals(Ipv4Packet.MIN_HEADER_LENGTH + 20 + 3 * 1460 + 100, supers.get(0).bytes().length, "the tail goes with them");

        TcpSegmentationOffloadTest other = new TcpSegmentationOffloadTest();
        TcpConnection[] e = other.established(false);
        List<CapturingLink.Sent> corked = other.same(f -> {
            TcpConnection k = e[f == other.plain ? 0 : 1];
            k.cork(f.now, true);
            k.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(3 * 1460 + 100)));
        });
        assertEquals(1, corked.size());
        assertEquals(Ipv4Packet.MIN_HEADER_LENGTH + 20 + 3 * 1460, corked.get(0).bytes().length, "corked: whole segments only");
        other.same(f -> e[f == other.plain ? 0 : 1].cork(f.now, false));
    }

    @Test
    void lessThanTwoSegments_sentPlain() throws NetException {
        TcpConnection[] c = established(true);
        List<CapturingLink.Sent> supers = same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(2000))));
        assertEquals(List.of(), supers);
    }

    @Test
    void retransmissions_stayMssSized() throws NetException {
        TcpConnection[] c = established(false);
        List<CapturingLink.Sent> supers = same(f -> c[f == plain ? 0 : 1].write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10 * 1460))));
        assertEquals(1, supers.size(), "the initial window in one super-segment");
        List<CapturingLink.Sent> again = same(f -> f.advance(2_000_000_000L));
        assertEquals(List.of(), again, "the timeout resends plain segments");
        assertTrue(offload.tcp.stats().retransmittedSegments() > 0);
    }

    @Test
    void smallerLinkLimit_isRespected() throws NetException {
        TcpFixture f = new TcpFixture(TcpConfig.DEFAULT, 9000);
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100_000)));
        for (CapturingLink.Sent s : f.link.drain()) {
            assertTrue(s.bytes().length <= 9000, "within the link's limit: " + s.bytes().length);
        }
    }
}
