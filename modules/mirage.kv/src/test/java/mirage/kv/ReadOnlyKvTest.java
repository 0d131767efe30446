package mirage.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.kv.KvException.Reason;
import org.junit.jupiter.api.Test;

/** {@link KvRo#of}: the read-only memory store of KV_RO devices and of stores packed into images. */
class ReadOnlyKvTest {
    static final Instant WHEN = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void holdsCopiesOfTheValuesAndTheirDictionaries() throws KvException {
        byte[] pem = "-----BEGIN CERTIFICATE-----".getBytes(UTF_8);
        Map<Key, byte[]> values = new LinkedHashMap<>();
        values.put(Key.parse("server.pem"), pem);
        values.put(Key.parse("keys/server.key"), "key".getBytes(UTF_8));
        KvRo kv = KvRo.of(values, WHEN);
        pem[0] = 'x';
        values.clear();
        assertArrayEquals("-----BEGIN CERTIFICATE-----".getBytes(UTF_8), kv.get(Key.parse("server.pem")));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.exists(Key.parse("keys")));
        assertEquals(List.of(new Entry(Key.parse("keys"), Kind.DICTIONARY), new Entry(Key.parse("server.pem"), Kind.VALUE)),
                kv.list(Key.ROOT));
        assertEquals(WHEN, kv.lastModified(Key.parse("keys/server.key")));
        assertEquals(3, kv.size(Key.parse("keys/server.key")));
        assertArrayEquals("ke".getBytes(UTF_8), kv.getPartial(Key.parse("keys/server.key"), 0, 2));
        assertEquals(Reason.NOT_FOUND, assertThrows(KvException.class, () -> kv.get(Key.parse("absent"))).reason());
        if (kv instanceof KvRw rw) { // a cast changes nothing
            for (org.junit.jupiter.api.function.Executable write : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> rw.set(Key.parse("server.pem"), new byte[1]), () -> rw.remove(Key.parse("keys")),
                    () -> rw.rename(Key.parse("keys"), Key.parse("k")), () -> rw.allocate(Key.parse("new"), 1),
                    () -> rw.setPartial(Key.parse("server.pem"), 0, new byte[1]))) {
                assertEquals(Reason.NOT_SUPPORTED, assertThrows(KvException.class, write).reason());
            }
            assertArrayEquals("-----BEGIN CERTIFICATE-----".getBytes(UTF_8), kv.get(Key.parse("server.pem")));
        }
        kv.close();
        assertThrows(IllegalStateException.class, () -> kv.get(Key.parse("server.pem")));
    }

    @Test
    void refusesAValueThatIsAlsoADictionaryAndTheRoot() {
        Map<Key, byte[]> nested = new LinkedHashMap<>();
        nested.put(Key.parse("a"), new byte[1]);
        nested.put(Key.parse("a/b"), new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> KvRo.of(nested, WHEN));
        Map<Key, byte[]> reversed = new LinkedHashMap<>();
        reversed.put(Key.parse("a/b"), new byte[1]);
        reversed.put(Key.parse("a"), new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> KvRo.of(reversed, WHEN));
        assertThrows(IllegalArgumentException.class, () -> KvRo.of(Map.of(Key.ROOT, new byte[1]), WHEN));
    }
}
