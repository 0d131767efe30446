package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import mirage.core.Entropy;
import mirage.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Rng#drbg}: instantiation from the source, reseeding, splitting, threads. */
class DrbgRngTest {
    private static final byte[] NONE = new byte[0];

    /** An entropy source giving a fixed stream of bytes and recording each request. */
    static final class Scripted implements Entropy {
        final Rng bytes;
        final List<byte[]> reads = new ArrayList<>();
        RuntimeException failure;

        Scripted(long seed) {
            this.bytes = Rng.seeded(seed);
        }

        @Override
        public synchronized void nextBytes(byte[] dst) {
            if (failure != null) {
                throw failure;
            }
            bytes.nextBytes(dst);
            reads.add(dst.clone());
        }
    }

    @ParameterizedTest
    @MethodSource("mirage.core.internal.HmacDrbgTest#noReseed")
    void reads_entropy_input_and_nonce_in_one_request_as_cavp_lays_them_out(HmacDrbgTest.Vector v) {
        byte[] seed = ByteBuffer.allocate(48).put(v.get("EntropyInput")).put(v.get("Nonce")).array();
        Rng rng = new DrbgRng(dst -> System.arraycopy(seed, 0, dst, 0, dst.length), 1L << 20,
                v.get("PersonalizationString"));
        byte[] out = new byte[128];
        rng.nextBytes(out);
        rng.nextBytes(out);
        assertEquals(HexFormat.of().formatHex(v.get("ReturnedBits")), HexFormat.of().formatHex(out));
    }

    @Test
    void reads_nothing_until_first_used() {
        Scripted source = new Scripted(1);
        Rng rng = Rng.drbg(source);
        assertEquals(List.of(), source.reads);
        rng.nextLong();
        assertEquals(1, source.reads.size());
        assertEquals(48, source.reads.getFirst().length, "32 bytes of entropy input and a 16-byte nonce");
        rng.nextLong();
        assertEquals(1, source.reads.size());
    }

    @Test
    void the_factory_uses_the_documented_interval_and_personalization() {
        Rng a = Rng.drbg(new Scripted(5));
        Rng b = new DrbgRng(new Scripted(5), 1L << 20, DrbgRng.PERSONALIZATION);
        for (int i = 0; i < 4; i++) {
            assertEquals(b.nextLong(), a.nextLong());
        }
        assertEquals(1L << 20, DrbgRng.RESEED_INTERVAL);
    }

    @Test
    void reseeds_from_the_source_when_the_interval_is_used_up() {
        Scripted source = new Scripted(2);
        Rng rng = new DrbgRng(source, 4, NONE);
        byte[] out = new byte[10];
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rng.nextBytes(out);
            got.add(out.clone());
            int expectedReads = 1 + i / 4;
            assertEquals(expectedReads, source.reads.size(), "after request " + (i + 1));
        }
        assertEquals(List.of(48, 32, 32), source.reads.stream().map(b -> b.length).toList());

        // the same, driven by hand: instantiate, 4 generates, reseed, 4 generates, reseed, 1 generate
        HmacDrbg model = instantiate(source.reads.get(0), NONE, 4);
        for (int i = 0; i < 9; i++) {
            if (i == 4 || i == 8) {
                assertFalse(model.generate(out, 0, out.length, NONE));
                model.reseed(source.reads.get(i / 4), NONE);
            }
            assertTrue(model.generate(out, 0, out.length, NONE));
            assertArrayEquals(got.get(i), out, "request " + (i + 1));
        }
    }

    @Test
    void splits_requests_over_65536_bytes_each_counting_toward_reseed() {
        Scripted source = new Scripted(3);
        Rng rng = new DrbgRng(source, 2, NONE);
        int max = HmacDrbg.MAX_BYTES_PER_REQUEST;
        byte[] big = new byte[2 * max + 5 + 6];
        rng.nextBytes(big, 3, 2 * max + 5);
        assertEquals(2, source.reads.size(), "three generate requests with an interval of two: one reseed");

        HmacDrbg model = instantiate(source.reads.get(0), NONE, 2);
        byte[] expected = new byte[big.length];
        assertTrue(model.generate(expected, 3, max, NONE));
        assertTrue(model.generate(expected, 3 + max, max, NONE));
        assertFalse(model.generate(expected, 3 + 2 * max, 5, NONE));
        model.reseed(source.reads.get(1), NONE);
        assertTrue(model.generate(expected, 3 + 2 * max, 5, NONE));
        assertArrayEquals(expected, big, "the three pieces, in place, and nothing outside dst[3..3+len)");
    }

    @Test
    void next_long_is_eight_generated_bytes_big_endian() {
        Scripted source = new Scripted(4);
        Rng rng = new DrbgRng(source, 100, NONE);
        long x = rng.nextLong();
        byte[] out = new byte[8];
        assertTrue(instantiate(source.reads.get(0), NONE, 100).generate(out, 0, 8, NONE));
        assertEquals(ByteBuffer.wrap(out).getLong(), x);
    }

    @Test
    void a_failing_source_fails_the_call_and_is_tried_again() {
        Scripted source = new Scripted(6);
        source.failure = new IllegalStateException("no entropy");
        Rng rng = new DrbgRng(source, 1, NONE);
        assertSame(source.failure, assertThrows(IllegalStateException.class, rng::nextLong));
        source.failure = null;
        rng.nextLong();
        assertEquals(1, source.reads.size());
        source.failure = new IllegalStateException("gone again");
        byte[] out = new byte[4];
        assertThrows(IllegalStateException.class, () -> rng.nextBytes(out), "the reseed due now fails");
        assertArrayEquals(new byte[4], out, "and no bytes were produced");
        assertThrows(IllegalStateException.class, () -> rng.nextBytes(out), "the generator still wants its reseed");
        source.failure = null;
        rng.nextBytes(out);
        assertEquals(2, source.reads.size());
    }

    @Test
    void forks_are_instantiated_afresh_from_the_source() {
        Scripted source = new Scripted(7);
        Rng rng = Rng.drbg(source);
        long a = rng.nextLong();
        Rng fork = rng.fork();
        long b = fork.nextLong();
        assertEquals(2, source.reads.size());
        assertNotEquals(a, b);
        assertNotEquals(rng.nextLong(), fork.nextLong());
    }

    @Test
    void concurrent_callers_each_get_their_own_output() throws InterruptedException {
        Rng rng = new DrbgRng(new Scripted(8), 64, NONE);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    seen.add(rng.nextLong());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8_000, seen.size(), "no value handed out twice (a race on V would repeat outputs)");
    }

    @Test
    void checks_its_arguments() {
        Rng rng = Rng.drbg(new Scripted(9));
        assertThrows(NullPointerException.class, () -> Rng.drbg(null));
        assertThrows(IndexOutOfBoundsException.class, () -> rng.nextBytes(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> rng.nextBytes(new byte[4], -1, 1));
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
        rng.nextBytes(new byte[4], 4, 0);
        assertFalse(rng.toString().isEmpty());
    }

    private static HmacDrbg instantiate(byte[] seed, byte[] personalization, long interval) {
        return new HmacDrbg(Arrays.copyOf(seed, 32), Arrays.copyOfRange(seed, 32, 48), personalization, interval);
    }
}
