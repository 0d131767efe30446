package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTest {
    @Test
    void parses_jlink_and_jvm_settings_ignoring_comments_and_blank_lines() throws Exception {
        Profile p = Profile.parse("t", "# a comment\n\njlink: --strip-debug  # why\njvm: -Xss256k\njlink: --compress=zip-9\n");
        assertEquals(List.of("--strip-debug", "--compress=zip-9"), p.jlinkOptions());
        assertEquals(List.of("-Xss256k"), p.jvmOptions());
    }

    @Test
    void errors_name_the_profile_and_line() {
        assertEquals("profile t line 2: unknown setting 'jmv'",
                assertThrows(LinkException.class, () -> Profile.parse("t", "jlink: --x\njmv: -Xss1m\n")).getMessage());
        assertEquals("profile t line 1: expected 'jlink: -OPTION' or 'jvm: -OPTION'",
                assertThrows(LinkException.class, () -> Profile.parse("t", "jlink strip\n")).getMessage());
        assertEquals("profile t line 1: a JVM option cannot contain a space",
                assertThrows(LinkException.class, () -> Profile.parse("t", "jvm: -Da=b c\n")).getMessage());
    }

    @Test
    void the_minimal_profile_ships_with_the_tool() throws Exception {
        Profile minimal = Profile.builtIn("minimal");
        assertTrue(minimal.jlinkOptions().contains("--strip-debug"));
        assertTrue(minimal.jlinkOptions().stream().anyMatch(o -> o.startsWith("--compress")));
        assertTrue(minimal.jvmOptions().contains("-XX:+UseSerialGC"));
    }

    @Test
    void an_unknown_profile_is_refused_by_name() {
        assertEquals("no jlink profile named 'huge' (see jlink-profiles/)",
                assertThrows(LinkException.class, () -> Profile.builtIn("huge")).getMessage());
        assertThrows(LinkException.class, () -> Profile.builtIn("../etc"));
    }
}
