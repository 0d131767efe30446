package mirage.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

class KeyFuzzTest {

    /**
     * Any text: parses to a key of valid segments whose string form parses back to it, or is
     * refused with an IllegalArgumentException that has a message; nothing else is thrown.
     */
    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Key key;
        try {
            key = Key.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            assertTrue(text.contains(".") || text.indexOf('\0') >= 0, "refused only for '.', '..' or NUL: " + e.getMessage());
            return;
        }
        for (String s : key.segments()) {
            assertFalse(s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("/") || s.indexOf('\0') >= 0, s);
        }
        assertEquals(key, Key.parse(key.toString()));
        assertEquals(key, Key.of(key.segments().toArray(String[]::new)));
        assertEquals(key.isRoot(), key.toString().equals("/"));
        if (!key.isRoot()) {
            assertEquals(key, key.parent().append(key.basename()));
        }
    }
}
