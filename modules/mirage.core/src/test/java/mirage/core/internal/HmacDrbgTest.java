package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** HMAC_DRBG SHA-256 against NIST CAVP known answers (test resources {@code hmac_drbg_*.rsp}). */
class HmacDrbgTest {
    private static final byte[] NONE = new byte[0];
    private static final HexFormat HEX = HexFormat.of();

    /** One COUNT of a .rsp file: its fields in order (AdditionalInput twice), and V/Key after each "** STEP:". */
    record Vector(String name, Map<String, byte[]> fields, List<byte[]> additionalInputs, Map<String, String> states) {
        byte[] get(String field) {
            byte[] b = fields.get(field);
            if (b == null) {
                throw new AssertionError(name + " has no " + field);
            }
            return b;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> read(String resource) throws IOException {
        String text;
        try (InputStream in = HmacDrbgTest.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        List<Vector> vectors = new ArrayList<>();
        String section = "";
        String step = null;
        Vector current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line.startsWith("[SHA-256]") ? "" : section + line;
                continue;
            }
            if (line.startsWith("**")) {
                step = line.substring(2, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.equals("COUNT")) {
                current = new Vector(resource + " " + section + " COUNT=" + value, new LinkedHashMap<>(), new ArrayList<>(),
                        new LinkedHashMap<>());
                vectors.add(current);
                step = null;
            } else if (step != null && (key.equals("V") || key.equals("Key"))) {
                current.states().put(step + " " + key, value);
            } else if (key.equals("AdditionalInput")) {
                current.additionalInputs().add(HEX.parseHex(value));
            } else {
                current.fields().put(key, HEX.parseHex(value));
            }
        }
        return vectors;
    }

    static Stream<Vector> noReseed() throws IOException {
        return read("hmac_drbg_no_reseed.rsp").stream();
    }

    static Stream<Vector> withReseed() throws IOException {
        return read("hmac_drbg_pr_false.rsp").stream();
    }

    @Test
    void the_resources_hold_the_vectors() throws IOException {
        assertEquals(3, noReseed().count());
        assertEquals(2, withReseed().count());
        withReseed().forEach(v -> assertEquals(8, v.states().size(), v.name()));
    }

    @ParameterizedTest
    @MethodSource("noReseed")
    void matches_cavp_without_reseed(Vector v) {
        HmacDrbg drbg = new HmacDrbg(v.get("EntropyInput"), v.get("Nonce"), v.get("PersonalizationString"), 1L << 48);
        byte[] out = new byte[v.get("ReturnedBits").length];
        assertTrue(drbg.generate(out, 0, out.length, v.additionalInputs().get(0)));
        assertTrue(drbg.generate(out, 0, out.length, v.additionalInputs().get(1)));
        assertEquals(HEX.formatHex(v.get("ReturnedBits")), HEX.formatHex(out));
        assertEquals(3, drbg.reseedCounter());
    }

    @ParameterizedTest
    @MethodSource("withReseed")
    void matches_cavp_with_reseed_and_its_internal_states(Vector v) {
        HmacDrbg drbg = new HmacDrbg(v.get("EntropyInput"), v.get("Nonce"), v.get("PersonalizationString"), 1L << 48);
        assertState(v, "INSTANTIATE", drbg);
        drbg.reseed(v.get("EntropyInputReseed"), v.get("AdditionalInputReseed"));
        assertState(v, "RESEED", drbg);
        byte[] out = new byte[v.get("ReturnedBits").length];
        assertTrue(drbg.generate(out, 0, out.length, v.additionalInputs().get(0)));
        assertState(v, "GENERATE (FIRST CALL)", drbg);
        assertTrue(drbg.generate(out, 0, out.length, v.additionalInputs().get(1)));
        assertState(v, "GENERATE (SECOND CALL)", drbg);
        assertEquals(HEX.formatHex(v.get("ReturnedBits")), HEX.formatHex(out));
    }

    private static void assertState(Vector v, String step, HmacDrbg drbg) {
        byte[][] keyAndV = drbg.state();
        assertEquals(v.states().get(step + " Key"), HEX.formatHex(keyAndV[0]), v.name() + " Key after " + step);
        assertEquals(v.states().get(step + " V"), HEX.formatHex(keyAndV[1]), v.name() + " V after " + step);
    }

    @Test
    void output_written_in_pieces_starts_as_one_request_would() {
        byte[] entropy = new byte[32];
        byte[] nonce = new byte[16];
        HmacDrbg a = new HmacDrbg(entropy, nonce, NONE, 100);
        HmacDrbg b = new HmacDrbg(entropy, nonce, NONE, 100);
        byte[] whole = new byte[100];
        assertTrue(a.generate(whole, 0, 100, NONE));
        byte[] placed = new byte[120];
        assertTrue(b.generate(placed, 7, 100, NONE));
        byte[] expected = new byte[120];
        System.arraycopy(whole, 0, expected, 7, 100);
        assertArrayEquals(expected, placed, "exactly dst[7..107) is written, with the same bytes");
    }

    @Test
    void asks_for_a_reseed_once_the_interval_is_used_up_and_writes_nothing() {
        HmacDrbg drbg = new HmacDrbg(new byte[32], new byte[16], NONE, 3);
        byte[] out = new byte[8];
        for (int i = 0; i < 3; i++) {
            assertTrue(drbg.generate(out, 0, out.length, NONE), "request " + (i + 1) + " of 3");
        }
        byte[] before = out.clone();
        byte[][] state = drbg.state();
        assertFalse(drbg.generate(out, 0, out.length, NONE), "the fourth needs a reseed");
        assertArrayEquals(before, out);
        assertArrayEquals(state[1], drbg.state()[1], "the state did not move");
        drbg.reseed(new byte[32], NONE);
        assertEquals(1, drbg.reseedCounter());
        assertTrue(drbg.generate(out, 0, out.length, NONE));
    }

    @Test
    void refuses_requests_over_2_to_the_19_bits() {
        HmacDrbg drbg = new HmacDrbg(new byte[32], new byte[16], NONE, 10);
        byte[] big = new byte[HmacDrbg.MAX_BYTES_PER_REQUEST + 1];
        assertTrue(drbg.generate(big, 0, HmacDrbg.MAX_BYTES_PER_REQUEST, NONE), "65536 bytes is the limit, allowed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> drbg.generate(big, 0, big.length, NONE));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
    }

    @Test
    void refuses_short_entropy_or_nonce_and_a_bad_interval() {
        assertThrows(IllegalArgumentException.class, () -> new HmacDrbg(new byte[31], new byte[16], NONE, 10));
        assertThrows(IllegalArgumentException.class, () -> new HmacDrbg(new byte[32], new byte[15], NONE, 10));
        assertThrows(IllegalArgumentException.class, () -> new HmacDrbg(new byte[32], new byte[16], NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new HmacDrbg(new byte[32], new byte[16], NONE, (1L << 48) + 1));
        HmacDrbg drbg = new HmacDrbg(new byte[32], new byte[16], NONE, 10);
        assertThrows(IllegalArgumentException.class, () -> drbg.reseed(new byte[16], NONE));
    }
}
