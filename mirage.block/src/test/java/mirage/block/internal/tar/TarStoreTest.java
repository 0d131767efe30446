package mirage.block.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.TarStore;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Examples of every operation and error of the tar stores, on memory devices. */
class TarStoreTest {
    final AtomicLong now = new AtomicLong(1_700_000_000_500_000_000L);

    static Key k(String p) {
        return Key.parse(p);
    }

    static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    static KvException fails(Reason reason, Key key, Executable op) {
        KvException e = assertThrows(KvException.class, op);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        return e;
    }

    /** A memory device holding {@code bytes} (zero-padded to whole sectors) and {@code spare} more zero bytes. */
    static Block device(byte[] bytes, int spare) throws BlockException {
        long sectors = (bytes.length + spare + 511) / 512;
        Block d = Block.memory(512, sectors);
        byte[] padded = java.util.Arrays.copyOf(bytes, (int) (sectors * 512));
        d.write(0, List.of(ByteBuffer.wrap(padded)));
        return d;
    }

    @Test
    void appendedEntriesReadBackAfterReopening() throws Exception {
        Block dev = Block.memory(512, 200);
        KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a/b"), b("hello"));
        rw.set(k("/a/c/d"), b(""));
        String longName = "x".repeat(120) + "/" + "y".repeat(90);
        rw.set(Key.parse(longName), b("long"));
        rw.set(k("/a/b"), b("replaced"));
        assertArrayEquals(b("replaced"), rw.get(k("/a/b")));
        KvRo ro = TarStore.readOnly(dev);
        assertArrayEquals(b("replaced"), ro.get(k("/a/b")));
        assertArrayEquals(b(""), ro.get(k("/a/c/d")));
        assertArrayEquals(b("long"), ro.get(Key.parse(longName)));
        assertEquals(List.of(new Entry(k("/a/b"), Kind.VALUE), new Entry(k("/a/c"), Kind.DICTIONARY)), ro.list(k("/a")));
        assertEquals(Optional.of(Kind.DICTIONARY), ro.exists(k("/a/c")));
        assertEquals(Optional.empty(), ro.exists(k("/a/b/c")));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), ro.lastModified(k("/a/b")), "whole seconds");
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), ro.lastModified(Key.ROOT));
        assertEquals(8, ro.size(k("/a/b")));
        assertArrayEquals(b("pla"), ro.getPartial(k("/a/b"), 2, 3));
        assertArrayEquals(b(""), ro.getPartial(k("/a/b"), 8, 3));
        ro.close();
        rw.close();
    }

    @Test
    void digestsEqualTheMemoryStoresForTheSameContent() throws Exception {
        KvRw tar = TarStore.appendOnly(Block.memory(512, 100), () -> Instant.ofEpochSecond(0, now.get()));
        KvRw mem = KvRw.memory(InstantSource.system());
        for (String[] kv : new String[][] {{"/a/b", "1"}, {"/a/c/d", "2"}, {"/é", ""}, {"/a/b", "3"}}) {
            tar.set(k(kv[0]), b(kv[1]));
            mem.set(k(kv[0]), b(kv[1]));
        }
        for (Key key : List.of(Key.ROOT, k("/a"), k("/a/b"), k("/a/c"), k("/é"))) {
            assertArrayEquals(mem.digest(key), tar.digest(key), key.toString());
        }
    }

    @Test
    void allocateAppendsZeroesAtTheGivenTime() throws Exception {
        KvRw rw = TarStore.appendOnly(Block.memory(4096, 20), () -> Instant.ofEpochSecond(0, now.get()));
        rw.allocate(k("/z"), 5000, Optional.of(Instant.ofEpochSecond(42)));
        assertArrayEquals(new byte[5000], rw.get(k("/z")));
        assertEquals(Instant.ofEpochSecond(42), rw.lastModified(k("/z")));
        rw.setPartial(k("/z"), 4998, b("abc"));
        assertEquals(5001, rw.size(k("/z")));
        assertArrayEquals(b("\0abc"), rw.getPartial(k("/z"), 4997, 10));
        rw.setPartial(k("/new"), 2, b("x"));
        assertArrayEquals(b("\0\0x"), rw.get(k("/new")));
    }

    @Test
    void anAllZeroDeviceIsAnEmptyArchive() throws Exception {
        KvRo ro = TarStore.readOnly(Block.memory(512, 4));
        assertEquals(List.of(), ro.list(Key.ROOT));
        assertEquals(Optional.of(Kind.DICTIONARY), ro.exists(Key.ROOT));
        assertEquals(Instant.EPOCH, ro.lastModified(Key.ROOT));
        assertEquals(List.of(), TarStore.readOnly(Block.memory(512, 0)).list(Key.ROOT));
    }

    // ---- one example per error -------------------------------------------------------------

    @Test
    void notFound() throws Exception {
        KvRw rw = TarStore.appendOnly(Block.memory(512, 20), () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a/b"), b("1"));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.get(k("/x")));
        fails(Reason.NOT_FOUND, k("/a/b/c"), () -> rw.get(k("/a/b/c")));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.list(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.size(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.digest(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.lastModified(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> rw.getPartial(k("/x"), 0, 1));
    }

    @Test
    void dictionaryAndValueExpected() throws Exception {
        KvRw rw = TarStore.appendOnly(Block.memory(512, 20), () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a/b"), b("1"));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> rw.list(k("/a/b")));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> rw.set(k("/a/b/c"), b("2")));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> rw.allocate(k("/a/b/c"), 1));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> rw.get(k("/a")));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> rw.size(k("/a")));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> rw.set(k("/a"), b("2")));
        fails(Reason.VALUE_EXPECTED, Key.ROOT, () -> rw.set(Key.ROOT, b("2")));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> rw.setPartial(k("/a"), 0, b("2")));
    }

    @Test
    void noSpaceLeavesTheArchiveAsItWas() throws Exception {
        Block dev = Block.memory(512, 6);
        KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a"), new byte[1024]); // header + 2 blocks + marker: 5 of 6 blocks
        KvException e = fails(Reason.NO_SPACE, k("/b"), () -> rw.set(k("/b"), new byte[1]));
        assertEquals("no space left for /b: its entry needs 2048 bytes and the device has 1536 after the archive", e.getMessage());
        fails(Reason.NO_SPACE, k("/c"), () -> rw.allocate(k("/c"), Long.MAX_VALUE));
        rw.set(k("/c"), new byte[0]);
        assertEquals(List.of(new Entry(k("/a"), Kind.VALUE), new Entry(k("/c"), Kind.VALUE)), TarStore.readOnly(dev).list(Key.ROOT));
    }

    @Test
    void alreadyPresent() throws Exception {
        KvRw rw = TarStore.appendOnly(Block.memory(512, 20), () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a/b"), b("1"));
        fails(Reason.ALREADY_PRESENT, k("/a/b"), () -> rw.allocate(k("/a/b"), 1));
        fails(Reason.ALREADY_PRESENT, k("/a"), () -> rw.allocate(k("/a"), 1));
    }

    @Test
    void removeAndRenameAreNotSupported() throws Exception {
        KvRw rw = TarStore.appendOnly(Block.memory(512, 20), () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a"), b("1"));
        fails(Reason.NOT_SUPPORTED, k("/a"), () -> rw.remove(k("/a")));
        KvException e = fails(Reason.NOT_SUPPORTED, k("/a"), () -> rw.rename(k("/a"), k("/b")));
        assertEquals(Optional.of(k("/b")), e.other());
        assertArrayEquals(b("1"), rw.get(k("/a")));
    }

    @Test
    void storageErrorsForMalformedArchivesAndFailingDevices() throws Exception {
        byte[] notTar = new byte[1024];
        java.util.Arrays.fill(notTar, (byte) 'A');
        KvException e = fails(Reason.STORAGE, Key.ROOT, () -> TarStore.readOnly(device(notTar, 0)));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());

        byte[] huge = TarHeader.encode(b("f"), TarHeader.REGULAR, 1 << 20, 0);
        e = fails(Reason.STORAGE, Key.ROOT, () -> TarStore.readOnly(device(huge, 1024)));
        assertTrue(e.getMessage().contains("past the device's end"), e.getMessage());

        Block dev = Block.memory(512, 20);
        KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a"), b("1"));
        KvRo ro = TarStore.readOnly(dev);
        dev.close();
        e = fails(Reason.STORAGE, k("/a"), () -> ro.get(k("/a")));
        assertTrue(e.getCause() instanceof BlockException);
        fails(Reason.STORAGE, k("/b"), () -> rw.set(k("/b"), b("2")));
        fails(Reason.STORAGE, Key.ROOT, () -> TarStore.readOnly(dev));
    }

    @Test
    void appendOnlyNeedsAWritableDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TarStore.appendOnly(Block.readOnly(Block.memory(512, 4)), InstantSource.system()));
        assertEquals("an append-only tar store needs a read-write device", e.getMessage());
    }

    @Test
    void closedStoresRefuseOperationsButLeaveTheDeviceOpen() throws Exception {
        Block dev = Block.memory(512, 20);
        KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(0, now.get()));
        rw.set(k("/a"), b("1"));
        rw.close();
        rw.close();
        assertThrows(IllegalStateException.class, () -> rw.get(k("/a")));
        assertThrows(IllegalStateException.class, () -> rw.set(k("/a"), b("2")));
        assertArrayEquals(b("1"), TarStore.readOnly(dev).get(k("/a")));
    }

    @Test
    void conflictingAndUnusableEntriesOfForeignArchivesAreSkipped() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String name : new String[] {"a", "a/b", "../evil", "./", "x/./y", "x/y"}) {
            out.writeBytes(TarHeader.encode(b(name), TarHeader.REGULAR, 1, 7));
            out.writeBytes(java.util.Arrays.copyOf(b(name.substring(0, 1)), 512));
        }
        TarKvRo ro = TarKvRo.open(device(out.toByteArray(), 1024));
        assertEquals(List.of(new Entry(k("/a"), Kind.VALUE), new Entry(k("/x"), Kind.DICTIONARY)), ro.list(Key.ROOT));
        assertArrayEquals(b("x"), ro.get(k("/x/y")));
        assertEquals(3, ro.skippedEntries(), "a/b below a value, ../evil, ./");
    }

    static byte[] pax(String... records) {
        StringBuilder b = new StringBuilder();
        for (String rec : records) {
            int body = rec.getBytes(UTF_8).length + 2; // the space and the newline
            int len = body + Integer.toString(body).length();
            len = body + Integer.toString(len).length();
            b.append(len).append(' ').append(rec).append('\n');
        }
        return b.toString().getBytes(UTF_8);
    }

    @Test
    void paxPathSizeMtimeAndLinkpath() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] data = pax("path=renamed/ünï", "size=3", "mtime=1.5");
        out.writeBytes(TarHeader.encode(b("PaxHeader"), TarHeader.PAX_EXTENDED, data.length, 0));
        out.writeBytes(java.util.Arrays.copyOf(data, 512));
        out.writeBytes(TarHeader.encode(b("orig"), TarHeader.REGULAR, 0, 9));
        out.writeBytes(java.util.Arrays.copyOf(b("abc"), 512));
        byte[] link = pax("linkpath=renamed/ünï", "path=" + "p".repeat(200));
        out.writeBytes(TarHeader.encode(b("PaxHeader"), TarHeader.PAX_EXTENDED, link.length, 0));
        out.writeBytes(java.util.Arrays.copyOf(link, 512));
        out.writeBytes(TarHeader.encode(b("x"), TarHeader.HARD_LINK, 0, 9));
        KvRo ro = TarStore.readOnly(device(out.toByteArray(), 1024));
        assertArrayEquals(b("abc"), ro.get(k("/renamed/ünï")));
        assertEquals(Optional.empty(), ro.exists(k("/orig")));
        assertEquals(Instant.ofEpochSecond(1, 500_000_000), ro.lastModified(k("/renamed/ünï")));
        assertArrayEquals(b("abc"), ro.get(Key.of("p".repeat(200))));
        assertEquals(Instant.ofEpochSecond(9), ro.lastModified(Key.of("p".repeat(200))));

        byte[] bad = TarHeader.encode(b("PaxHeader"), TarHeader.PAX_EXTENDED, 5, 0);
        byte[] badData = java.util.Arrays.copyOf(b("9 a=b\n"), 512);
        byte[] both = java.util.Arrays.copyOf(bad, 1024);
        System.arraycopy(badData, 0, both, 512, 512);
        KvException e = fails(Reason.STORAGE, Key.ROOT, () -> TarStore.readOnly(device(both, 1024)));
        assertTrue(e.getMessage().contains("pax record"), e.getMessage());
    }
}
