package mirage.net.internal.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.net.internal.pcap.PcapWriter.Flush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file layout byte for byte, truncation, buffering, concurrency, and reading back. */
class PcapWriterTest {

    static final class Sink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PcapWriter writer;

        Sink(int snaplen, Flush flush) throws IOException {
            writer = PcapWriter.of(Channels.newChannel(bytes), snaplen, flush);
        }
    }

    /** Global header and one record, every field spelled out (little-endian). */
    @Test
    void layout() throws IOException {
        Sink s = new Sink(65535, Flush.EVERY_RECORD);
        s.writer.write(1_700_000_000_123_456_789L, new byte[] {1, 2, 3});
        String expected = "4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000"
                + "00f15365" + "15cd5b07" + "03000000" + "03000000" + "010203";
        assertEquals(expected, HexFormat.of().formatHex(s.bytes.toByteArray()));
    }

    @Test
    void a_frame_longer_than_snaplen_is_cut_and_keeps_its_length() throws IOException {
        Sink s = new Sink(4, Flush.EVERY_RECORD);
        ByteBuffer frame = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 4, 5, 6, 7});
        frame.position(1);
        s.writer.write(5, frame);
        assertEquals(1, frame.position());
        PcapReader.Capture c = PcapReader.read(ByteBuffer.wrap(s.bytes.toByteArray()));
        assertEquals(4, c.snaplen());
        assertEquals(1, c.records().size());
        assertEquals(7, c.records().get(0).originalLength());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, c.records().get(0).bytes());
    }

    @Test
    void buffered_records_reach_the_channel_on_flush_and_close() throws IOException {
        Sink s = new Sink(PcapWriter.DEFAULT_SNAPLEN, Flush.WHEN_FULL);
        s.writer.write(0, new byte[60]);
        assertEquals(0, s.bytes.size());
        s.writer.flush();
        assertEquals(24 + 16 + 60, s.bytes.size());
        s.writer.write(0, new byte[70_000]);  // larger than the buffer: goes straight through
        assertEquals(24 + 16 + 60 + 16 + 70_000, s.bytes.size());
        s.writer.write(0, new byte[10]);
        s.writer.close();
        s.writer.close();
        assertEquals(24 + 16 + 60 + 16 + 70_000 + 16 + 10, s.bytes.size());
        assertThrows(IllegalStateException.class, () -> s.writer.write(0, new byte[1]));
    }

    @Test
    void timestamps_outside_the_format_are_refused() throws IOException {
        Sink s = new Sink(100, Flush.EVERY_RECORD);
        assertThrows(IllegalArgumentException.class, () -> s.writer.write(-1, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> s.writer.write((1L << 32) * 1_000_000_000L, new byte[1]));
        s.writer.write((1L << 32) * 1_000_000_000L - 1, new byte[1]);
        assertEquals((1L << 32) * 1_000_000_000L - 1,
                PcapReader.read(ByteBuffer.wrap(s.bytes.toByteArray())).records().get(0).timestampNanos());
        assertThrows(IllegalArgumentException.class, () -> PcapWriter.of(Channels.newChannel(s.bytes), 0, Flush.WHEN_FULL));
    }

    record Frame(long time, int length, long seed) {}

    @Test
    void what_is_written_reads_back() {
        qt().withExamples(200).forAll(
                lists().of(longs().between(0, (1L << 32) * 1_000_000_000L - 1)
                        .zip(integers().between(0, 2000), longs().all(), Frame::new)).ofSizeBetween(0, 30),
                integers().between(1, 3000), integers().between(0, 1))
                .checkAssert((frames, snaplen, mode) -> {
                    try {
                        Sink s = new Sink(snaplen, Flush.values()[mode]);
                        List<byte[]> written = new ArrayList<>();
                        for (Frame f : frames) {
                            byte[] b = new byte[f.length()];
                            new SplittableRandom(f.seed()).nextBytes(b);
                            written.add(b);
                            s.writer.write(f.time(), b);
                        }
                        s.writer.close();
                        PcapReader.Capture c = PcapReader.read(ByteBuffer.wrap(s.bytes.toByteArray()));
                        assertEquals(new PcapReader.Capture(true, ByteOrder.LITTLE_ENDIAN, 2, 4, snaplen,
                                PcapWriter.LINKTYPE_ETHERNET, c.records()), c);
                        assertEquals(frames.size(), c.records().size());
                        for (int i = 0; i < frames.size(); i++) {
                            PcapReader.Record r = c.records().get(i);
                            byte[] b = written.get(i);
                            assertEquals(frames.get(i).time(), r.timestampNanos());
                            assertEquals(b.length, r.originalLength());
                            assertArrayEquals(java.util.Arrays.copyOf(b, Math.min(b.length, snaplen)), r.bytes());
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    /** Records from many threads come out whole: each frame is its writer's id repeated. */
    @Test
    void concurrent_writers_never_interleave_records(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("concurrent.pcap");
        int threads = 8;
        int each = 500;
        try (PcapWriter w = PcapWriter.create(file, 1500, Flush.WHEN_FULL);
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte id = (byte) t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        byte[] frame = new byte[60 + (i % 700)];
                        java.util.Arrays.fill(frame, id);
                        w.write(i, frame);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        List<PcapReader.Record> records = PcapReader.read(file).records();
        assertEquals(threads * each, records.size());
        int[] seen = new int[threads];
        for (PcapReader.Record r : records) {
            byte[] b = r.bytes();
            for (byte x : b) {
                assertEquals(b[0], x);
            }
            assertEquals(60 + (seen[b[0]] % 700), b.length);
            assertEquals(seen[b[0]]++, r.timestampNanos());
        }
    }

    /** The reader also reads tcpdump's own files: microsecond magic, from the DHCP capture. */
    @Test
    void reads_a_tcpdump_capture() throws IOException {
        byte[] file;
        try (InputStream in = getClass().getResourceAsStream("/mirage/net/internal/wire/dhcp/dnsmasq-exchange.pcap")) {
            file = in.readAllBytes();
        }
        PcapReader.Capture c = PcapReader.read(ByteBuffer.wrap(file));
        assertEquals(false, c.nanosecondTimestamps());
        assertEquals(PcapWriter.LINKTYPE_ETHERNET, c.linkType());
        assertEquals(10, c.records().size());
        assertEquals(342, c.records().get(0).originalLength());
        assertTrue(c.records().get(1).timestampNanos() > c.records().get(0).timestampNanos());
    }

    @Test
    void the_reader_rejects_what_is_not_pcap() {
        assertThrows(PcapReader.PcapFormatException.class, () -> PcapReader.read(ByteBuffer.allocate(10)));
        assertThrows(PcapReader.PcapFormatException.class, () -> PcapReader.read(ByteBuffer.allocate(24)));
        ByteBuffer cut = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, PcapWriter.MAGIC_NANOSECONDS);
        cut.putInt(24 + 8, 5);
        assertThrows(PcapReader.PcapFormatException.class, () -> PcapReader.read(cut));
    }

    @Test
    void create_truncates_an_existing_file(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.pcap");
        Files.write(file, new byte[1000]);
        PcapWriter.create(file, 100, Flush.WHEN_FULL).close();
        assertEquals(24, Files.size(file));
    }
}
