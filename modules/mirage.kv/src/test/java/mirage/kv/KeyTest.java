package mirage.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTest {

    @Test
    void parseSplitsAtSlashesAndDropsEmptyPieces() {
        assertEquals(List.of("a", "b"), Key.parse("/a/b").segments());
        assertEquals(Key.parse("/a/b"), Key.parse("a/b"));
        assertEquals(Key.parse("/a/b"), Key.parse("//a///b/"));
        assertEquals(Key.ROOT, Key.parse(""));
        assertEquals(Key.ROOT, Key.parse("/"));
        assertEquals(Key.ROOT, Key.parse("///"));
        assertEquals(List.of("déjà vu", "€"), Key.parse("/déjà vu/€").segments());
    }

    @Test
    void toStringAlwaysStartsWithSlash() {
        assertEquals("/", Key.ROOT.toString());
        assertEquals("/a/b", Key.of("a", "b").toString());
        assertEquals("/...", Key.of("...").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/./b", "/a/../b", "..", ".", "/a/b\0c"})
    void parseRefusesRelativeSegmentsAndNul(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Key.parse(path));
        assertTrue(e.getMessage().startsWith("key \""), e.getMessage());
        assertFalse(e.getMessage().contains("\0"), "NUL is escaped in messages");
    }

    @Test
    void ofRefusesEachInvalidSegmentWithAMessageNamingIt() {
        assertEquals("key segment 2 is empty (a key segment needs at least one character)",
                assertThrows(IllegalArgumentException.class, () -> Key.of("a", "")).getMessage());
        assertEquals("key segment 1 \"a/b\" contains '/' (use Key.parse to split a path)",
                assertThrows(IllegalArgumentException.class, () -> Key.of("a/b")).getMessage());
        assertEquals("key segment 1 is \"..\": keys have no relative segments",
                assertThrows(IllegalArgumentException.class, () -> Key.of("..")).getMessage());
        assertEquals("key segment 1 \"x\\u0000\" contains NUL",
                assertThrows(IllegalArgumentException.class, () -> Key.of("x\0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Key.ROOT.append("a/b"));
        assertThrows(NullPointerException.class, () -> Key.of("a", null));
    }

    @Test
    void segmentsAreCopied() {
        List<String> mutable = new ArrayList<>(List.of("a"));
        Key k = new Key(mutable);
        mutable.add("b");
        assertEquals(List.of("a"), k.segments());
        assertThrows(UnsupportedOperationException.class, () -> k.segments().add("c"));
    }

    @Test
    void appendParentBasename() {
        Key ab = Key.of("a").append("b");
        assertEquals(Key.parse("/a/b"), ab);
        assertEquals(Key.parse("/a/b/c/d"), ab.append(Key.parse("c/d")));
        assertEquals(ab, ab.append(Key.ROOT));
        assertEquals(Key.of("a"), ab.parent());
        assertEquals("b", ab.basename());
        assertEquals(Key.ROOT, Key.ROOT.parent());
        assertEquals("", Key.ROOT.basename());
        assertEquals(2, ab.depth());
        assertTrue(Key.ROOT.isPrefixOf(ab));
        assertTrue(ab.isPrefixOf(ab));
        assertTrue(Key.of("a").isPrefixOf(ab));
        assertFalse(ab.isPrefixOf(Key.of("a")));
        assertFalse(Key.of("ab").isPrefixOf(Key.of("ab2")));
    }

    @Test
    void orderIsSegmentWiseWithAncestorsFirst() {
        List<Key> keys = new ArrayList<>(List.of(Key.parse("/a0"), Key.parse("/a/b"), Key.parse("/a"), Key.ROOT, Key.parse("/b")));
        keys.sort(null);
        assertEquals(List.of(Key.ROOT, Key.parse("/a"), Key.parse("/a/b"), Key.parse("/a0"), Key.parse("/b")), keys);
    }
}
