package mirage.link.internal.reach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class KeepRulesTest {
    @Test
    void every_directive_parses_with_comments_and_blank_lines() throws Exception {
        KeepRules r = KeepRules.parse("m", "m.keep", """
                # a comment
                keep a.b.C
                keep a.b.* if x.Y z.W   # trailing comment

                instantiate a.b.**.Handler if x.Y
                keep-nest a.**$Mappings
                reflects java.lang.Class.forName
                reflects java.util.EnumMap.<init>
                unprovide java.security.Provider a.b.P
                file lib/tzdb.dat if java.time.zone.TzdbZoneRulesProvider
                native jvm
                omit a.b.Gone
                spi javax.crypto.CipherSpi
                """);
        assertEquals(List.of(
                new KeepRules.Rule.Keep(new KeepRules.ClassPattern("a.b.C"), List.of()),
                new KeepRules.Rule.Keep(new KeepRules.ClassPattern("a.b.*"), List.of("x.Y", "z.W")),
                new KeepRules.Rule.Instantiate(new KeepRules.ClassPattern("a.b.**.Handler"), List.of("x.Y")),
                new KeepRules.Rule.KeepNest(new KeepRules.ClassPattern("a.**$Mappings")),
                new KeepRules.Rule.Reflects("java.lang.Class", "forName"),
                new KeepRules.Rule.Reflects("java.util.EnumMap", "<init>"),
                new KeepRules.Rule.Unprovide("java.security.Provider", "a.b.P"),
                new KeepRules.Rule.File("lib/tzdb.dat", List.of("java.time.zone.TzdbZoneRulesProvider")),
                new KeepRules.Rule.Native("jvm"),
                new KeepRules.Rule.Omit("a.b.Gone"),
                new KeepRules.Rule.Spi("javax.crypto.CipherSpi")), r.rules());
        assertEquals("m", r.module());
    }

    @Test
    void a_bad_line_is_refused_with_its_file_and_line_number() {
        assertRefused("keep\n", "m.keep line 1: expected 'keep PATTERN [if CLASS...]'");
        assertRefused("\n\nkeep a.B when c.D\n", "m.keep line 3: expected 'keep PATTERN [if CLASS...]'");
        assertRefused("keep a.B if\n", "m.keep line 1: expected 'keep PATTERN [if CLASS...]'");
        assertRefused("keep a..B\n", "m.keep line 1: 'a..B' is not a class pattern");
        assertRefused("keep a.B if c-d\n", "m.keep line 1: 'c-d' is not a binary class name");
        assertRefused("reflects forName\n", "m.keep line 1: expected 'reflects CLASS.METHOD'");
        assertRefused("file /etc/passwd if a.B\n", "m.keep line 1: '/etc/passwd' is not a relative file path");
        assertRefused("file lib/x\n", "m.keep line 1: expected 'file PATH if CLASS...'");
        assertRefused("native lib/x.so\n", "m.keep line 1: expected 'native NAME'");
        assertRefused("drop a.B\n", "m.keep line 1: unknown directive 'drop' (keep, instantiate, keep-nest, reflects, "
                + "unprovide, file, native, omit, spi)");
    }

    private static void assertRefused(String text, String message) {
        KeepRules.RuleException e = assertThrows(KeepRules.RuleException.class, () -> KeepRules.parse("m", "m.keep", text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void a_star_stays_in_its_package_and_two_stars_go_below() {
        KeepRules.ClassPattern pkg = new KeepRules.ClassPattern("a.b.*");
        assertTrue(pkg.matches("a.b.C"));
        assertTrue(pkg.matches("a.b.C$D"), "nested classes are in the package");
        assertFalse(pkg.matches("a.b.c.D"));
        assertFalse(pkg.matches("a.bc.D"));
        KeepRules.ClassPattern deep = new KeepRules.ClassPattern("a.b.**");
        assertTrue(deep.matches("a.b.c.D"));
        assertFalse(deep.matches("a.bc.D"));
        KeepRules.ClassPattern handlers = new KeepRules.ClassPattern("sun.net.www.protocol.*.Handler");
        assertTrue(handlers.matches("sun.net.www.protocol.http.Handler"));
        assertFalse(handlers.matches("sun.net.www.protocol.http.x.Handler"));
        assertEquals("sun.net.www.protocol.", handlers.literalPrefix());
        assertEquals("a.B", new KeepRules.ClassPattern("a.B").exact());
    }

    /** The linear matcher agrees with the regular expression the pattern stands for. */
    @Test
    void matching_agrees_with_the_equivalent_regular_expression() {
        qt().withExamples(2000).forAll(text("ab.$*", 0, 8), text("ab.$", 0, 10)).checkAssert((pattern, name) -> {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                if (pattern.startsWith("**", i)) {
                    regex.append(".*");
                    i++;
                } else if (pattern.charAt(i) == '*') {
                    regex.append("[^.]*");
                } else {
                    regex.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
                }
            }
            assertEquals(name.matches(regex.toString()), new KeepRules.ClassPattern(pattern).matches(name), pattern + " ~ " + name);
        });
    }

    private static Gen<String> text(String alphabet, int min, int max) {
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(min, max).map(is -> {
            StringBuilder b = new StringBuilder();
            is.forEach(i -> b.append(alphabet.charAt(i)));
            return b.toString();
        });
    }
}
