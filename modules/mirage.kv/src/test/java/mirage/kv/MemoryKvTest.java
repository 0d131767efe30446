package mirage.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import mirage.kv.KvException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Examples of every operation and every error of the in-memory store. */
class MemoryKvTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final KvRw kv = KvRw.memory(() -> Instant.ofEpochSecond(0, now.get()), 100);

    static Key k(String path) {
        return Key.parse(path);
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

    @Test
    void setGetExistsSizeList() throws KvException {
        kv.set(k("/a/b"), b("hello"));
        kv.set(k("/a/c/d"), b("x"));
        kv.set(k("/e"), b(""));
        assertArrayEquals(b("hello"), kv.get(k("/a/b")));
        assertEquals(Optional.of(Kind.VALUE), kv.exists(k("/a/b")));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.exists(k("/a")));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.exists(Key.ROOT));
        assertEquals(Optional.empty(), kv.exists(k("/a/b/c")));
        assertEquals(Optional.empty(), kv.exists(k("/z")));
        assertEquals(5, kv.size(k("/a/b")));
        assertEquals(0, kv.size(k("/e")));
        assertEquals(List.of(new Entry(k("/a/b"), Kind.VALUE), new Entry(k("/a/c"), Kind.DICTIONARY)), kv.list(k("/a")));
        assertEquals(List.of(new Entry(k("/a"), Kind.DICTIONARY), new Entry(k("/e"), Kind.VALUE)), kv.list(Key.ROOT));
        assertEquals(List.of(), KvRw.memory(InstantSource.system()).list(Key.ROOT));
    }

    @Test
    void getPartialClampsToTheValue() throws KvException {
        kv.set(k("/v"), b("0123456789"));
        assertArrayEquals(b("234"), kv.getPartial(k("/v"), 2, 3));
        assertArrayEquals(b("89"), kv.getPartial(k("/v"), 8, 100));
        assertArrayEquals(b(""), kv.getPartial(k("/v"), 10, 1));
        assertArrayEquals(b(""), kv.getPartial(k("/v"), Long.MAX_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> kv.getPartial(k("/v"), -1, 1));
        assertThrows(IllegalArgumentException.class, () -> kv.getPartial(k("/v"), 0, -1));
    }

    @Test
    void setPartialOverwritesExtendsAndZeroFills() throws KvException {
        kv.setPartial(k("/v"), 0, b("abc"));
        kv.setPartial(k("/v"), 1, b("X"));
        assertArrayEquals(b("aXc"), kv.get(k("/v")));
        kv.setPartial(k("/v"), 5, b("Z"));
        assertArrayEquals(new byte[] {'a', 'X', 'c', 0, 0, 'Z'}, kv.get(k("/v")));
        assertThrows(IllegalArgumentException.class, () -> kv.setPartial(k("/v"), -1, b("")));
    }

    @Test
    void buffersAreCopiedBothWays() throws KvException {
        byte[] in = b("abc");
        kv.set(k("/v"), in);
        in[0] = 'Z';
        byte[] out = kv.get(k("/v"));
        out[1] = 'Z';
        assertArrayEquals(b("abc"), kv.get(k("/v")));
    }

    @Test
    void removeValueDictionaryRootAndMissing() throws KvException {
        kv.set(k("/a/b"), b("1"));
        kv.set(k("/a/c"), b("2"));
        kv.set(k("/d"), b("3"));
        kv.remove(k("/a/b"));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.exists(k("/a")));
        kv.remove(k("/a"));
        assertEquals(Optional.empty(), kv.exists(k("/a")));
        assertEquals(Optional.empty(), kv.exists(k("/a/c")));
        kv.remove(k("/nothing/here"));
        kv.remove(Key.ROOT);
        assertEquals(List.of(), kv.list(Key.ROOT));
        kv.set(k("/x"), new byte[100]);
    }

    @Test
    void renameMovesValuesAndDictionariesReplacingTheDestination() throws KvException {
        kv.set(k("/a/b"), b("1"));
        kv.set(k("/a/c/d"), b("2"));
        kv.set(k("/z/old"), b("3"));
        kv.rename(k("/a"), k("/z"));
        assertEquals(List.of(new Entry(k("/z"), Kind.DICTIONARY)), kv.list(Key.ROOT));
        assertArrayEquals(b("2"), kv.get(k("/z/c/d")));
        assertEquals(Optional.empty(), kv.exists(k("/z/old")));
        kv.rename(k("/z/c/d"), k("/q"));
        assertArrayEquals(b("2"), kv.get(k("/q")));
        kv.rename(k("/z"), Key.ROOT);
        assertEquals(List.of(new Entry(k("/b"), Kind.VALUE)), kv.list(Key.ROOT));
    }

    @Test
    void allocateMakesZeroesAtTheGivenTime() throws KvException {
        kv.allocate(k("/f"), 4, Optional.of(Instant.parse("2020-01-02T03:04:05.000000006Z")));
        assertArrayEquals(new byte[4], kv.get(k("/f")));
        assertEquals(Instant.parse("2020-01-02T03:04:05.000000006Z"), kv.lastModified(k("/f")));
        kv.allocate(k("/g"), 0);
        assertEquals(Instant.ofEpochSecond(1), kv.lastModified(k("/g")));
        assertThrows(IllegalArgumentException.class, () -> kv.allocate(k("/h"), -1));
    }

    @Test
    void lastModifiedOfADictionaryIsItsLatestEntry() throws KvException {
        assertEquals(Instant.EPOCH, kv.lastModified(Key.ROOT));
        kv.set(k("/a/b"), b("1"));
        now.set(5_000_000_001L);
        kv.set(k("/a/c/d"), b("2"));
        now.set(9_000_000_000L);
        kv.set(k("/e"), b("3"));
        assertEquals(Instant.ofEpochSecond(1), kv.lastModified(k("/a/b")));
        assertEquals(Instant.ofEpochSecond(5, 1), kv.lastModified(k("/a")));
        assertEquals(Instant.ofEpochSecond(9), kv.lastModified(Key.ROOT));
    }

    @Test
    void digestsAreSha256OfValuesAndStableForDictionaries() throws Exception {
        kv.set(k("/a/b"), b("hello"));
        kv.set(k("/a/c/d"), b("x"));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(b("hello")), kv.digest(k("/a/b")));
        byte[] root = kv.digest(Key.ROOT);
        assertEquals(32, root.length);
        KvRw other = KvRw.memory(InstantSource.system());
        other.set(k("/a/c/d"), b("x"));
        other.set(k("/a/b"), b("hello"));
        assertArrayEquals(root, other.digest(Key.ROOT), "independent of write order and times");
        assertArrayEquals(kv.digest(k("/a")), other.digest(k("/a")));
        other.set(k("/a/c/d"), b("y"));
        assertFalse(MessageDigest.isEqual(root, other.digest(Key.ROOT)));
        // A value and a dictionary with the same digest inside still differ by kind.
        KvRw v = KvRw.memory(InstantSource.system());
        v.set(k("/n"), b(""));
        KvRw d = KvRw.memory(InstantSource.system());
        d.set(k("/n/m"), b(""));
        assertFalse(MessageDigest.isEqual(v.digest(Key.ROOT), d.digest(Key.ROOT)));
    }

    @Test
    void dictionaryDigestFollowsTheDocumentedLayout() throws Exception {
        kv.set(k("/a/b"), b("hello"));
        MessageDigest inner = MessageDigest.getInstance("SHA-256");
        inner.update((byte) 1);
        inner.update(new byte[] {0, 0, 0, 1, 'b'});
        inner.update(MessageDigest.getInstance("SHA-256").digest(b("hello")));
        byte[] a = inner.digest();
        assertArrayEquals(a, kv.digest(k("/a")));
        MessageDigest outer = MessageDigest.getInstance("SHA-256");
        outer.update((byte) 2);
        outer.update(new byte[] {0, 0, 0, 1, 'a'});
        outer.update(a);
        assertArrayEquals(outer.digest(), kv.digest(Key.ROOT));
    }

    // ---- one example per error -------------------------------------------------------------

    @Test
    void notFound() throws KvException {
        kv.set(k("/a/b"), b("1"));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.get(k("/x")));
        fails(Reason.NOT_FOUND, k("/a/b/c"), () -> kv.get(k("/a/b/c")));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.getPartial(k("/x"), 0, 1));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.list(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.size(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.digest(k("/x")));
        fails(Reason.NOT_FOUND, k("/x"), () -> kv.lastModified(k("/x")));
        KvException e = fails(Reason.NOT_FOUND, k("/x"), () -> kv.rename(k("/x"), k("/y")));
        assertEquals("not found: /x", e.getMessage());
    }

    @Test
    void dictionaryExpected() throws KvException {
        kv.set(k("/a/b"), b("1"));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> kv.list(k("/a/b")));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> kv.set(k("/a/b/c/d"), b("2")));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> kv.setPartial(k("/a/b/c"), 0, b("2")));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> kv.allocate(k("/a/b/c"), 1));
        kv.set(k("/v"), b("3"));
        fails(Reason.DICTIONARY_EXPECTED, k("/a/b"), () -> kv.rename(k("/v"), k("/a/b/c")));
    }

    @Test
    void valueExpected() throws KvException {
        kv.set(k("/a/b"), b("1"));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> kv.get(k("/a")));
        fails(Reason.VALUE_EXPECTED, Key.ROOT, () -> kv.get(Key.ROOT));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> kv.size(k("/a")));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> kv.getPartial(k("/a"), 0, 1));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> kv.set(k("/a"), b("2")));
        fails(Reason.VALUE_EXPECTED, Key.ROOT, () -> kv.set(Key.ROOT, b("2")));
        fails(Reason.VALUE_EXPECTED, k("/a"), () -> kv.setPartial(k("/a"), 0, b("2")));
        fails(Reason.VALUE_EXPECTED, Key.ROOT, () -> kv.rename(k("/a/b"), Key.ROOT));
    }

    @Test
    void noSpace() throws KvException {
        kv.set(k("/a"), new byte[60]);
        KvException e = fails(Reason.NO_SPACE, k("/b"), () -> kv.set(k("/b"), new byte[41]));
        assertEquals("no space left for /b: 41 bytes would bring the store to 101 of its 100 bytes", e.getMessage());
        fails(Reason.NO_SPACE, k("/a"), () -> kv.setPartial(k("/a"), 100, b("x")));
        fails(Reason.NO_SPACE, k("/c"), () -> kv.allocate(k("/c"), 41));
        fails(Reason.NO_SPACE, k("/c"), () -> KvRw.memory(InstantSource.system()).allocate(k("/c"), Long.MAX_VALUE));
        assertEquals(Optional.empty(), kv.exists(k("/b")), "a failed write changes nothing");
        kv.set(k("/a"), new byte[100]);
    }

    @Test
    void alreadyPresent() throws KvException {
        kv.set(k("/a/b"), b("1"));
        fails(Reason.ALREADY_PRESENT, k("/a/b"), () -> kv.allocate(k("/a/b"), 1));
        fails(Reason.ALREADY_PRESENT, k("/a"), () -> kv.allocate(k("/a"), 1));
        fails(Reason.ALREADY_PRESENT, Key.ROOT, () -> kv.allocate(Key.ROOT, 1));
    }

    @Test
    void renameSourcePrefix() throws KvException {
        kv.set(k("/a/b"), b("1"));
        KvException e = fails(Reason.RENAME_SOURCE_PREFIX, k("/a"), () -> kv.rename(k("/a"), k("/a/b/c")));
        assertEquals(Optional.of(k("/a/b/c")), e.other());
        fails(Reason.RENAME_SOURCE_PREFIX, k("/a/b"), () -> kv.rename(k("/a/b"), k("/a/b")));
        fails(Reason.RENAME_SOURCE_PREFIX, Key.ROOT, () -> kv.rename(Key.ROOT, k("/x")));
    }

    @Test
    void closedStoreRefusesEveryOperation() throws KvException {
        kv.set(k("/a"), b("1"));
        kv.close();
        kv.close();
        assertThrows(IllegalStateException.class, () -> kv.get(k("/a")));
        assertThrows(IllegalStateException.class, () -> kv.set(k("/a"), b("1")));
    }

    @Test
    void capacityIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> KvRw.memory(InstantSource.system(), -1));
    }
}
