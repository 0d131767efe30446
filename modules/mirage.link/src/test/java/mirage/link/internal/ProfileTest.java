package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void module_aot_and_dce_settings_are_read_and_default_to_none_off_and_on() throws Exception {
        Profile p = Profile.parse("t", "module: jdk.jdwp.agent\nmodule: jdk.jfr\naot: on\ndce: off\n");
        assertEquals(List.of("jdk.jdwp.agent", "jdk.jfr"), p.modules());
        assertTrue(p.aot());
        assertFalse(p.dce());
        Profile plain = Profile.parse("t", "jvm: -Xss256k\n");
        assertEquals(List.of(), plain.modules());
        assertFalse(plain.aot());
        assertTrue(plain.dce());
    }

    @Test
    void malformed_module_aot_and_dce_settings_name_the_line() {
        assertEquals("profile t line 1: expected 'aot: on' or 'aot: off'",
                assertThrows(LinkException.class, () -> Profile.parse("t", "aot: yes\n")).getMessage());
        assertEquals("profile t line 2: expected 'dce: on' or 'dce: off'",
                assertThrows(LinkException.class, () -> Profile.parse("t", "aot: off\ndce:\n")).getMessage());
        assertEquals("profile t line 1: expected 'module: MODULE.NAME'",
                assertThrows(LinkException.class, () -> Profile.parse("t", "module: --add-modules=x\n")).getMessage());
    }

    /**
     * The shipped profiles: minimal has no cache; fast is minimal plus one, with C1's thresholds
     * doubled (0080) and the interpreter's calls reported 8 times less often (0082): its only JVM
     * options beyond minimal's; debug keeps debug info, JDWP and JFR.
     */
    @Test
    void the_shipped_profiles_say_what_their_documentation_says() throws Exception {
        Profile minimal = Profile.builtIn("minimal");
        Profile fast = Profile.builtIn("fast");
        Profile server = Profile.builtIn("server");
        Profile debug = Profile.builtIn("debug");
        assertFalse(minimal.aot());
        assertTrue(minimal.dce());
        assertTrue(fast.aot());
        assertEquals(minimal.jlinkOptions(), fast.jlinkOptions());
        List<String> fastJvm = new java.util.ArrayList<>(minimal.jvmOptions());
        fastJvm.add("-XX:CompileThresholdScaling=2");
        fastJvm.add("-XX:Tier0InvokeNotifyFreqLog=10");
        assertEquals(fastJvm, fast.jvmOptions());
        assertFalse(server.aot());
        assertFalse(server.jvmOptions().contains("-XX:TieredStopAtLevel=1"), "server has C2");
        assertFalse(debug.jlinkOptions().contains("--strip-debug"), "debug keeps debug information");
        assertEquals(List.of("jdk.jdwp.agent", "jdk.jfr"), debug.modules());
        assertFalse(debug.dce(), "debug keeps every class");
        assertFalse(debug.aot());
        for (Profile p : List.of(minimal, fast, server, debug)) {
            assertTrue(p.jvmOptions().contains("-Djdk.pollerMode=1"), p.name() + ": platform-thread pollers (0077)");
        }
    }
}
