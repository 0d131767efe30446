package mirage.http.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The chunked decoder: any body in any chunking and any pieces decodes to itself; any cut is not done. */
class ChunkedDecoderTest {
    /** {@code body} in chunks of random sizes, with extensions and a trailer now and then. */
    static byte[] encode(byte[] body, SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + random.nextInt(3000));
            String size = Integer.toHexString(n);
            out.writeBytes((random.nextBoolean() ? size.toUpperCase() : size).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes((random.nextInt(4) == 0 ? ";name=value\r\n" : "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            at += n;
        }
        out.writeBytes((random.nextBoolean() ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Feeds {@code coded} in random pieces; returns the body, or null if the decoder is not done at the end. */
    static byte[] decode(byte[] coded, SplittableRandom random) throws ChunkedDecoder.MalformedException {
        ChunkedDecoder d = new ChunkedDecoder();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < coded.length && !d.done()) {
            int n = Math.min(coded.length - at, 1 + random.nextInt(5000));
            ByteBuffer piece = ByteBuffer.wrap(coded, at, n);
            d.feed(piece, data -> {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                body.writeBytes(b);
            });
            at += n - piece.remaining();
            if (piece.hasRemaining()) {
                assertTrue(d.done(), "bytes are left over only after the body's end");
            }
        }
        return d.done() ? body.toByteArray() : null;
    }

    @Test
    void anyBodyInAnyChunksAndPieces_decodesToItself_andNothingAfterItsEndIsTaken() {
        qt().forAll(integers().between(0, 20_000), longs().all()).checkAssert((length, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] body = new byte[length];
            random.nextBytes(body);
            byte[] coded = encode(body, random);
            byte[] withMore = new byte[coded.length + 10];
            System.arraycopy(coded, 0, withMore, 0, coded.length);
            try {
                assertArrayEquals(body, decode(withMore, random));
            } catch (ChunkedDecoder.MalformedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void anyCut_isNotDone() {
        qt().forAll(integers().between(1, 5000), longs().all()).checkAssert((length, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] body = new byte[length];
            random.nextBytes(body);
            byte[] coded = encode(body, random);
            int cut = random.nextInt(coded.length); // at least the final CRLF is missing
            byte[] shorter = java.util.Arrays.copyOf(coded, cut);
            try {
                assertEquals(null, decode(shorter, random), "cut at " + cut + " of " + coded.length);
            } catch (ChunkedDecoder.MalformedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void malformed_refused() {
        for (String bad : new String[] {"x\r\n", "5\r\nhelloX\r\n", "5 z\r\n", "1234567890123456789\r\n",
                "5\r\n" + "a".repeat(5) + "\r\n" + "f".repeat(ChunkedDecoder.MAX_LINE + 1)}) {
            ChunkedDecoder d = new ChunkedDecoder();
            assertThrows(ChunkedDecoder.MalformedException.class,
                    () -> d.feed(ByteBuffer.wrap(bad.getBytes(StandardCharsets.ISO_8859_1)), data -> data.position(data.limit())), bad);
            assertFalse(d.done());
        }
    }

    @Test
    void decodeIntoBoundedBuffers_givesTheSameBody_andStopsWhenTheBufferIsFull() {
        qt().forAll(integers().between(0, 20_000), longs().all()).checkAssert((length, seed) -> {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] body = new byte[length];
            random.nextBytes(body);
            byte[] coded = encode(body, random);
            ChunkedDecoder d = new ChunkedDecoder();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.wrap(coded);
            try {
                while (!d.done()) {
                    ByteBuffer room = ByteBuffer.allocate(1 + random.nextInt(700));
                    d.decode(in, room);
                    out.write(room.array(), 0, room.position());
                    assertTrue(!room.hasRemaining() || !in.hasRemaining() || d.done(),
                            "stops only with its room full, its input used, or the body done");
                }
            } catch (ChunkedDecoder.MalformedException e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(body, out.toByteArray());
            assertEquals(0, in.remaining(), "nothing after the body");
        });
    }
}
