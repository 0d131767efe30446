package mirage.core.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void control_characters_are_escaped_and_a_cut_is_marked() {
        assertEquals("a\\x0ab\\x0d\\x7f\\x00", Printable.of("a\nb\r\u007f\u0000"));
        assertEquals("x".repeat(80) + "...", Printable.of("x".repeat(81), 80));
        assertEquals("x".repeat(80), Printable.of("x".repeat(80), 80));
        assertEquals("\\x0a\\x0a...", Printable.of("\n".repeat(30), 2));
        assertEquals("...", Printable.of("a", 0));
        assertThrows(IllegalArgumentException.class, () -> Printable.of("a", -1));
    }

    @Test
    void a_code_point_outside_the_basic_plane_is_never_split() {
        String clef = "\uD834\uDD1E"; // U+1D11E, two chars
        assertEquals(clef + "...", Printable.of(clef + clef, 1));
        assertEquals(clef + clef, Printable.of(clef + clef, 2));
    }

    @Test
    void the_result_is_one_line_of_printable_text_no_longer_than_the_limit_allows() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 300), integers().between(0, 200)).checkAssert((s, max) -> {
            String p = Printable.of(s, max);
            assertTrue(p.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f), p);
            assertTrue(p.length() <= 4 * 2 * max + 3, p);
            int points = s.codePointCount(0, s.length());
            if (points <= max) {
                assertEquals(Printable.of(s), p, "nothing cut");
            } else {
                assertEquals(Printable.of(s.substring(0, s.offsetByCodePoints(0, max))) + "...", p, "cut after max code points");
            }
        });
    }
}
