package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Software segmentation of any bytes: the first two bytes are the segment size, the third picks
 * Ethernet frames or bare datagrams, the rest is the frame. A frame {@link TcpSegmenter#problem}
 * refuses is refused by {@link TcpSegmenter#segment} with {@link IllegalArgumentException} and
 * nothing else; one it takes becomes {@link TcpSegmenter#count} segments within the size limit,
 * each a valid IPv4 datagram with both checksums right (the TCP header, options included, is the
 * frame's), whose payloads put together are the frame's. Seeds under {@code src/test/resources/mirage/net/internal/wire/TcpSegmenterFuzzTestInputs/segment/}.
 */
class TcpSegmenterFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void segment(byte[] data) {
        if (data.length < 3) {
            return;
        }
        int segmentSize = (data[0] & 0xff) << 8 | (data[1] & 0xff);
        int link = (data[2] & 1) == 1 ? TcpSegmenter.ETHERNET : TcpSegmenter.NONE;
        int max = link + 1500;
        ByteBuffer frame = ByteBuffer.wrap(data, 3, data.length - 3).slice();
        TcpSegmenter segmenter = new TcpSegmenter(link, max);
        String problem = TcpSegmenter.problem(frame, link, segmentSize, max);
        if (problem != null) {
            assertThrows(IllegalArgumentException.class, () -> segmenter.segment(frame, segmentSize, s -> { }));
            return;
        }
        int headers = TcpSegmenter.headerLength(frame, link);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int[] seen = {0};
        int n = segmenter.segment(frame, segmentSize, s -> {
            seen[0]++;
            assertTrue(s.remaining() <= max, "within the limit");
            Ipv4Packet ip = new Ipv4Packet();
            assertTrue(ip.check(s, s.position() + link, s.remaining() - link), "a valid datagram");
            assertTrue(ip.checksumVerifies());
            // the TCP header is the frame's, options and all (valid or not): check the checksum by hand
            long sum = InternetChecksum.pseudoHeader(ip.source(), ip.destination(), Ipv4Packet.PROTOCOL_TCP, ip.payloadLength());
            assertTrue(InternetChecksum.verifies(InternetChecksum.add(sum, s, ip.payloadOffset(), ip.payloadLength())), "TCP checksum");
            byte[] p = new byte[s.limit() - (s.position() + headers)];
            s.get(s.position() + headers, p);
            payload.writeBytes(p);
        });
        assertEquals(TcpSegmenter.count(frame, link, segmentSize), n);
        assertEquals(n, seen[0]);
        assertArrayEquals(Arrays.copyOfRange(data, 3 + headers, data.length), payload.toByteArray());
        assertEquals(0, frame.position(), "the frame is not moved");
    }
}
