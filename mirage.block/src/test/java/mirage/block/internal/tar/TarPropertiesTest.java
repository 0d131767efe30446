package mirage.block.internal.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import mirage.block.Block;
import mirage.block.TarStore;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import org.junit.jupiter.api.Test;

/**
 * Any byte string as an archive yields a typed error or a consistent store: never an unchecked
 * exception, a hang, or a read outside the device (the device is wrapped in
 * {@link Block#checked}, and a read outside it would surface as a STORAGE error from a listed
 * key, which fails the check).
 */
class TarPropertiesTest {

    /** True if {@code bytes} opened as a consistent store or failed to open with STORAGE. */
    static boolean openedConsistently(byte[] bytes) throws Exception {
        long sectors = (bytes.length + 511) / 512 + 2;
        Block mem = Block.memory(512, sectors);
        mem.write(0, List.of(ByteBuffer.wrap(Arrays.copyOf(bytes, (int) (sectors * 512)))));
        Block dev = Block.checked(mem);
        KvRo ro;
        try {
            ro = TarStore.readOnly(dev);
        } catch (KvException e) {
            assertEquals(Reason.STORAGE, e.reason(), e.getMessage());
            return true;
        }
        checkConsistent(ro, Key.ROOT);
        // The same device opened for appending takes one more entry, and keeps the others.
        KvRw rw = TarStore.appendOnly(dev, () -> Instant.EPOCH);
        byte[] before = rw.digest(Key.ROOT);
        assertArrayEquals(ro.digest(Key.ROOT), before);
        Key fresh = Key.of("fresh-" + Long.toHexString(new SplittableRandom(bytes.length).nextLong()));
        if (rw.exists(fresh).isEmpty()) {
            try {
                rw.set(fresh, new byte[] {1, 2, 3});
                KvRo again = TarStore.readOnly(dev);
                assertArrayEquals(new byte[] {1, 2, 3}, again.get(fresh));
                checkConsistent(again, Key.ROOT);
            } catch (KvException e) {
                assertEquals(Reason.NO_SPACE, e.reason(), e.getMessage());
            }
        }
        return true;
    }

    /** Every entry below {@code dict}: kinds agree, values read whole and in part, digests work. */
    static void checkConsistent(KvRo ro, Key dict) throws Exception {
        assertEquals(Optional.of(Kind.DICTIONARY), ro.exists(dict));
        List<Entry> entries = ro.list(dict);
        assertTrue(dict.isRoot() || !entries.isEmpty(), "no empty dictionaries");
        for (Entry e : entries) {
            assertEquals(dict, e.key().parent());
            assertEquals(Optional.of(e.kind()), ro.exists(e.key()));
            ro.lastModified(e.key());
            if (e.kind() == Kind.DICTIONARY) {
                checkConsistent(ro, e.key());
            } else {
                long size = ro.size(e.key());
                assertTrue(size >= 0);
                if (size <= 1 << 20) {
                    byte[] all = ro.get(e.key());
                    assertEquals(size, all.length);
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(all), ro.digest(e.key()));
                    assertArrayEquals(Arrays.copyOfRange(all, (int) Math.min(size, 1), (int) Math.min(size, 4)),
                            ro.getPartial(e.key(), 1, 3));
                } else {
                    ro.getPartial(e.key(), size - 1, 10);
                }
            }
        }
    }

    /** Random bytes, and valid archives with random bytes overwritten. */
    @Test
    void anyBytesGiveATypedErrorOrAConsistentStore() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, mode) -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bytes;
            if (mode == 0) {
                bytes = new byte[r.nextInt(4096)];
                r.nextBytes(bytes);
            } else {
                bytes = validArchive(r);
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips && bytes.length > 0; i++) {
                    bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
                }
                if (mode == 2) {
                    bytes = Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
                }
            }
            try {
                assertTrue(openedConsistently(bytes));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** A small archive written by the append-only store: short and long names, pax and GNU headers. */
    static byte[] validArchive(SplittableRandom r) {
        try {
            Block dev = Block.memory(512, 64);
            KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(r.nextInt(1 << 30)));
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                String name = r.nextBoolean() ? "k" + r.nextInt(5) : "dir" + r.nextInt(2) + "/" + "n".repeat(r.nextInt(150)) + i;
                try {
                    rw.set(Key.parse(name), new byte[r.nextInt(700)]);
                } catch (KvException e) {
                    // conflicts between random names are fine
                }
            }
            byte[] out = new byte[64 * 512];
            dev.read(0, List.of(ByteBuffer.wrap(out)));
            int end = (int) ((TarKvRo) rw).endOffset() + 1024;
            byte[] archive = Arrays.copyOf(out, end);
            if (r.nextInt(3) == 0) {
                // Put a pax header in front of the first entry, renaming it.
                String rec = "path=pax/renamed-" + r.nextInt(9) + "\n";
                String record = (rec.length() + 3) + " " + rec;
                byte[] paxData = record.getBytes(StandardCharsets.UTF_8);
                byte[] header = TarHeader.encode("PaxHeader".getBytes(StandardCharsets.UTF_8), TarHeader.PAX_EXTENDED, paxData.length, 0);
                byte[] withPax = new byte[1024 + archive.length];
                System.arraycopy(header, 0, withPax, 0, 512);
                System.arraycopy(paxData, 0, withPax, 512, paxData.length);
                System.arraycopy(archive, 0, withPax, 1024, archive.length);
                archive = withPax;
            }
            return archive;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
