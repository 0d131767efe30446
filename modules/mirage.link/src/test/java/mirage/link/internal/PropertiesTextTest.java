package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PropertiesTextTest {
    /** Pieces of Properties syntax a line is made of: blanks, comment marks, separators, escapes, terminators. */
    private static final List<String> PIECES = List.of("#", "!", " ", "\t", "\f", "\\", "\\\\", "=", ":", "key", "v",
            "\\u0041", "\\n", "\n", "\r", "\r\n", "\u00e9");

    /** What Properties.load makes of the text (ISO-8859-1), or the exception's class when it refuses it. */
    static Object load(String text) {
        Properties p = new Properties();
        try {
            p.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException e) {
            return e.getClass();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    @Test
    void any_text_of_properties_syntax_loads_to_the_same_properties_without_its_comments() {
        qt().withExamples(20_000).forAll(lists().of(integers().between(0, PIECES.size() - 1)).ofSizeBetween(0, 40))
                .checkAssert(picks -> {
                    StringBuilder text = new StringBuilder();
                    for (int i : picks) {
                        text.append(PIECES.get(i));
                    }
                    String stripped = PropertiesText.withoutComments(text.toString());
                    assertEquals(load(text.toString()), load(stripped), () -> "text: " + text.toString().translateEscapes());
                    assertEquals(stripped, PropertiesText.withoutComments(stripped));
                });
    }

    @Test
    void drops_comment_and_blank_lines_and_keeps_continued_ones() {
        String text = "# a comment\n\n  ! another\r\nkey = one, \\\n   # not a comment: continued\r   \t\nlast=\\\\\n#gone\n";
        assertEquals("key = one, \\\n   # not a comment: continued\rlast=\\\\\n", PropertiesText.withoutComments(text));
        assertEquals(load(text), load(PropertiesText.withoutComments(text)));
    }

    @Test
    void the_jdks_java_security_keeps_its_properties_at_a_twentieth_of_its_size() throws IOException {
        byte[] jdk = Files.readAllBytes(Path.of(System.getProperty("java.home"), "conf", "security", "java.security"));
        byte[] stripped = PropertiesText.withoutComments(jdk);
        String text = new String(jdk, StandardCharsets.ISO_8859_1);
        String strippedText = new String(stripped, StandardCharsets.ISO_8859_1);
        assertEquals(load(text), load(strippedText));
        assertTrue(((Properties) load(text)).size() > 20, "java.security has its properties");
        assertTrue(stripped.length * 20 < jdk.length, stripped.length + " of " + jdk.length + " bytes");
        assertFalse(strippedText.lines().anyMatch(l -> l.isBlank() || l.startsWith("#")));
    }

    @Test
    void properties_configuration_files_are_those_under_a_modules_conf() {
        assertTrue(PropertiesText.isPropertiesConfig("/java.base/conf/security/java.security"));
        assertTrue(PropertiesText.isPropertiesConfig("/java.base/conf/net.properties"));
        assertTrue(PropertiesText.isPropertiesConfig("/java.logging/conf/logging.properties"));
        assertFalse(PropertiesText.isPropertiesConfig("/java.base/conf/security/policy/unlimited/default_local.policy"));
        assertFalse(PropertiesText.isPropertiesConfig("/java.base/conf/sdp/sdp.conf.template"));
        assertFalse(PropertiesText.isPropertiesConfig("/java.base/sun/net/www/content-types.properties"));
        assertFalse(PropertiesText.isPropertiesConfig("/java.base/x/conf/a.properties"));
        assertFalse(PropertiesText.isPropertiesConfig("java.base/conf/a.properties"));
    }
}
