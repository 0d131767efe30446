package mirage.net.internal.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.internal.wire.TcpSegment;
import mirage.net.internal.wire.TcpSegmenterTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture of an interface with TCP segmentation offload keeps the offload and records each
 * super-segment as the segments the device makes of it; over an interface without, it offers none.
 */
class CaptureSegmentationTest {
    @TempDir
    Path dir;

    /** An interface that keeps what it is given. */
    static final class Recorder implements Netif {
        final List<byte[]> frames = new ArrayList<>();
        final List<Integer> segmentSizes = new ArrayList<>();
        final boolean offload;

        Recorder(boolean offload) {
            this.offload = offload;
        }

        @Override
        public MacAddress mac() {
            return MacAddress.parse("02:00:00:00:00:02");
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void send(ByteBuffer frame) {
            keep(frame, 0);
        }

        void keep(ByteBuffer frame, int segmentSize) {
            byte[] b = new byte[frame.remaining()];
            frame.get(frame.position(), b);
            frames.add(b);
            segmentSizes.add(segmentSize);
        }

        @Override
        public void listen(FrameReceiver receiver) {}

        @Override
        public Stats stats() {
            return new Stats(0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {}

        @Override
        public Optional<TcpSegmentation> tcpSegmentation() {
            return offload ? Optional.of(new TcpSegmentation() {
                @Override
                public int maxFrame() {
                    return 14 + 65535;
                }

                @Override
                public void send(ByteBuffer frame, int segmentSize) {
                    keep(frame, segmentSize);
                }
            }) : Optional.empty();
        }
    }

    @Test
    void superSegment_passesWhole_recordedAsItsSegments() throws Exception {
        Recorder inner = new Recorder(true);
        Path file = dir.resolve("gso.pcap");
        Netif capture = Netif.capture(inner, file, () -> java.time.Instant.ofEpochSecond(1_700_000_000L));
        Netif.TcpSegmentation offload = capture.tcpSegmentation().orElseThrow();
        assertEquals(14 + 65535, offload.maxFrame());
        byte[] data = new byte[5000];
        byte[] superFrame = TcpSegmenterTest.frame(7, 1000, TcpSegment.ACK | TcpSegment.PSH, data, true);
        offload.send(ByteBuffer.wrap(superFrame), 1448);
        capture.close();
        assertEquals(1, inner.frames.size(), "the device gets the super-segment");
        assertArrayEquals(superFrame, inner.frames.get(0));
        assertEquals(List.of(1448), inner.segmentSizes);
        List<PcapReader.Record> records = PcapReader.read(file).records();
        assertEquals(4, records.size(), "the capture holds the segments");
        for (int i = 0; i < 4; i++) {
            int n = Math.min(1448, data.length - i * 1448);
            int flags = TcpSegment.ACK | (i == 3 ? TcpSegment.PSH : 0);
            assertArrayEquals(TcpSegmenterTest.frame(7 + i, 1000 + i * 1448, flags, new byte[n], false), records.get(i).bytes());
        }
    }

    @Test
    void tshark_decodesTheSegments_everyChecksumGood() throws Exception {
        Tshark.require();
        Path file = dir.resolve("gso-tshark.pcap");
        Netif capture = Netif.capture(new Recorder(true), file, () -> java.time.Instant.ofEpochSecond(1_700_000_000L));
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        capture.tcpSegmentation().orElseThrow().send(
                ByteBuffer.wrap(TcpSegmenterTest.frame(0xfffe, -5000, TcpSegment.ACK | TcpSegment.PSH, data, true)), 1448);
        capture.close();
        assertEquals("", Tshark.read(file, "-o", "tcp.check_checksum:TRUE", "-Y",
                "_ws.malformed || ip.checksum.status != \"Good\" || tcp.checksum.status != \"Good\"").strip());
        assertEquals(7, Tshark.read(file, "-Y", "tcp.len > 0").strip().lines().count(), "seven segments of data");
    }

    @Test
    void malformedSuperSegment_refused_neitherRecordedNorSent() throws Exception {
        Recorder inner = new Recorder(true);
        Netif capture = Netif.capture(inner, dir.resolve("bad.pcap"), () -> java.time.Instant.EPOCH);
        byte[] frame = TcpSegmenterTest.frame(7, 1000, TcpSegment.ACK, new byte[3000], true);
        frame[14 + 9] = 17;
        assertThrows(IllegalArgumentException.class,
                () -> capture.tcpSegmentation().orElseThrow().send(ByteBuffer.wrap(frame), 1448));
        capture.close();
        assertEquals(List.of(), inner.frames);
        assertEquals(0, PcapReader.read(dir.resolve("bad.pcap")).records().size());
    }

    @Test
    void withoutOffload_theCaptureOffersNone() throws Exception {
        Netif capture = Netif.capture(new Recorder(false), dir.resolve("plain.pcap"), () -> java.time.Instant.EPOCH);
        assertTrue(capture.tcpSegmentation().isEmpty());
        capture.close();
    }

    @Test
    void plainInterfaces_offerNone() throws NetException {
        assertTrue(new Recorder(false).tcpSegmentation().isEmpty());
    }
}
