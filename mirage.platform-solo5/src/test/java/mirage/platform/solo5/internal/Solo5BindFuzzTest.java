package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mirage.core.ArgumentException;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;

/**
 * Input is text: the first line picks the manifest (each character one of {@link #ENTRIES}),
 * every further line is one element of argv. NET_BASIC devices are attached by a fake, so that
 * fuzzing never creates interfaces or connects sockets on the host.
 */
class Solo5BindFuzzTest {
    static final List<Manifest.Entry> ENTRIES = List.of(
            new Manifest.Entry("service", DeviceKind.NET_BASIC),
            new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC),
            new Manifest.Entry("a", DeviceKind.NET_BASIC),
            new Manifest.Entry("b", DeviceKind.BLOCK_BASIC),
            new Manifest.Entry("net-0", DeviceKind.NET_BASIC));

    @FuzzTest(maxDuration = "30s")
    void bind(FuzzedDataProvider data) {
        String[] lines = data.consumeRemainingAsString().split("\n", -1);
        Map<String, Manifest.Entry> picked = new LinkedHashMap<>();
        for (char c : lines[0].toCharArray()) {
            Manifest.Entry e = ENTRIES.get(c % ENTRIES.size());
            picked.putIfAbsent(e.name(), e);
        }
        Manifest manifest = new Manifest(new ArrayList<>(picked.values()));
        List<String> argv = new ArrayList<>(Arrays.asList(lines).subList(1, lines.length));
        // --sandbox=on (or train) would confine this very JVM (seccomp kills it at its next
        // unlisted system call): off goes through every check of the option without that
        for (int i = 0; i < argv.size() && !argv.get(i).equals("--"); i++) {
            if (argv.get(i).equals(Solo5Platform.SANDBOX + "=on") || argv.get(i).equals(Solo5Platform.SANDBOX + "=" + Solo5Platform.TRAIN)) {
                argv.set(i, Solo5Platform.SANDBOX + "=off");
            }
        }
        List<String> rest;
        try (Solo5Platform p = new Solo5Platform(manifest, NetBindTest.FAKE)) {
            rest = p.bind(argv);
        } catch (ArgumentException e) {
            assertFalse(e.getMessage().isEmpty());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
            assertFalse(e.argument().contains("\n") || e.argument().contains("\r"), "one line: " + e.argument());
            return;
        }
        // what is left: every element that is not a binding or the platform's own --sandbox=, in
        // order, and all after "--" untouched
        List<String> expected = new ArrayList<>();
        boolean ended = false;
        for (String a : argv) {
            if (ended || !(Solo5Platform.isBinding(a) || a.startsWith(Solo5Platform.SANDBOX + "="))) {
                expected.add(a);
            }
            ended |= a.equals("--");
        }
        assertEquals(expected, rest);
        int end = argv.indexOf("--");
        if (end >= 0) {
            assertEquals(argv.subList(end, argv.size()), rest.subList(rest.indexOf("--"), rest.size()));
        }
    }
}
