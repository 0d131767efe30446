package mirage.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ManifestTest {
    static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String REST = LETTERS + "0123456789_-";

    static Gen<String> names() {
        return integers().between(0, LETTERS.length() - 1).zip(
                lists().of(integers().between(0, REST.length() - 1)).ofSizeBetween(0, 30),
                (first, rest) -> {
                    StringBuilder b = new StringBuilder().append(LETTERS.charAt(first));
                    rest.forEach(i -> b.append(REST.charAt(i)));
                    return b.toString();
                });
    }

    static Gen<Manifest> manifests() {
        return lists().of(names().zip(Generate.enumValues(DeviceKind.class), Manifest.Entry::new))
                .ofSizeBetween(0, 80)
                .map(entries -> {
                    Map<String, Manifest.Entry> unique = new LinkedHashMap<>();
                    entries.forEach(e -> unique.putIfAbsent(e.name(), e));
                    return new Manifest(new ArrayList<>(unique.values()).subList(0, Math.min(unique.size(), Manifest.MAX_DEVICES)));
                });
    }

    @Test
    void encodeParseRoundTrip() {
        qt().forAll(manifests()).checkAssert(m -> {
            try {
                Manifest back = Manifest.parse(m.encode());
                assertEquals(m, back);
                assertEquals(m.encode(), back.encode());
            } catch (ManifestException e) {
                throw new AssertionError(m.encode(), e);
            }
        });
    }

    @Test
    void textFormIsHeaderThenOneLinePerDevice() throws ManifestException {
        Manifest m = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC),
                new Manifest.Entry("disk-0", DeviceKind.BLOCK_BASIC), new Manifest.Entry("certs", DeviceKind.KV_RO)));
        assertEquals("mirage-manifest 1\nNET_BASIC service\nBLOCK_BASIC disk-0\nKV_RO certs\n", m.encode());
        assertEquals(m, Manifest.parse(m.encode()));
        assertEquals("mirage-manifest 1\n", Manifest.EMPTY.encode());
        assertEquals(Manifest.EMPTY, Manifest.parse("mirage-manifest 1\n"));
        assertEquals(Optional.of(new Manifest.Entry("disk-0", DeviceKind.BLOCK_BASIC)), m.device("disk-0"));
        assertEquals(Optional.empty(), m.device("disk"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|1|does not end with a newline",
        "mirage-manifest 1|1|does not end with a newline",
        "mirage-manifest 1\\nNET_BASIC a|2|does not end with a newline",
        "\\n|1|expected 'mirage-manifest 1', found ''",
        "mirage-manifest 2\\n|1|expected 'mirage-manifest 1', found 'mirage-manifest 2'",
        "mirage-manifest 1\\r\\n|1|expected 'mirage-manifest 1', found 'mirage-manifest 1\\x0d'",
        "mirage-manifest 1\\n\\n|2|expected 'KIND NAME', found ''",
        "mirage-manifest 1\\nNET_BASIC  a\\n|2|expected 'KIND NAME', found 'NET_BASIC  a'",
        "mirage-manifest 1\\nNET a\\n|2|unknown device kind 'NET'",
        "mirage-manifest 1\\nNET_BASIC a\\nBLOCK_BASIC 1a\\n|3|malformed device name '1a'",
        "mirage-manifest 1\\nNET_BASIC a\\nBLOCK_BASIC a\\n|3|device 'a' listed twice",
    })
    void malformedTextNamesTheLine(String escaped, int line, String what) {
        String text = escaped.replace("\\n", "\n").replace("\\r", "\r");
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(text));
        assertEquals(line, e.line());
        assertEquals("manifest line " + line + ": " + what, e.getMessage());
    }

    @Test
    void limitsAreEnforced() {
        StringBuilder b = new StringBuilder("mirage-manifest 1\n");
        for (int i = 0; i <= Manifest.MAX_DEVICES; i++) {
            b.append("NET_BASIC n").append(i).append('\n');
        }
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse(b.toString()));
        assertEquals(Manifest.MAX_DEVICES + 2, e.line());
        e = assertThrows(ManifestException.class, () -> Manifest.parse("mirage-manifest 1\n" + "x".repeat(9000) + "\n"));
        assertEquals("manifest line 1: longer than 8192 characters", e.getMessage());
    }

    @Test
    void entriesAndManifestsValidate() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(name -> {
            boolean ok = name.matches("[A-Za-z][A-Za-z0-9_-]{0,30}");
            try {
                new Manifest.Entry(name, DeviceKind.NET_BASIC);
                assertEquals(true, ok, name);
            } catch (IllegalArgumentException e) {
                assertEquals(false, ok, name);
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new Manifest(List.of(
                new Manifest.Entry("a", DeviceKind.NET_BASIC), new Manifest.Entry("a", DeviceKind.BLOCK_BASIC))));
        List<Manifest.Entry> many = new ArrayList<>();
        for (int i = 0; i <= Manifest.MAX_DEVICES; i++) {
            many.add(new Manifest.Entry("n" + i, DeviceKind.NET_BASIC));
        }
        assertThrows(IllegalArgumentException.class, () -> new Manifest(many));
        assertEquals(Manifest.MAX_DEVICES, new Manifest(many.subList(0, Manifest.MAX_DEVICES)).devices().size());
    }
}
