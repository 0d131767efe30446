package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanTest {
    @Test
    void text_form_is_deterministic_and_escapes_fields() {
        String text = BootClassTest.plan().encode();
        assertEquals(text, BootClassTest.plan().encode());
        assertTrue(text.startsWith(Plan.HEADER + "\n"));
        assertTrue(text.contains("arg\ttext\tSTRING\tdefault=a b\\tc\tSome text.\n"), text);
        assertTrue(text.contains("arg\tpause\tDURATION\tdefault=250ms\tA pause.\n"), text);
        assertTrue(text.contains("start\t0\tmirage.core.spi.Platform.console(platform)\n"), text);
    }

    @Test
    void module_set_reads_back_from_the_text() throws Exception {
        assertEquals(new TreeSet<>(Set.of("fake", "java.base", "mirage.core")), Plan.modulesOf(BootClassTest.plan().encode()));
        assertThrows(LinkException.class, () -> Plan.modulesOf("something else\n"));
        assertThrows(LinkException.class, () -> Plan.modulesOf(Plan.HEADER + "\nname\tx\n"));
    }

    @Test
    void roots_are_the_app_the_platform_and_the_implementations_modules() {
        assertEquals(new TreeSet<>(Set.of("fake", "mirage.core", "mirage.platform.solo5")), BootClassTest.plan().roots());
    }
}
