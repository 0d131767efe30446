package mirage.link.internal.vm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A kernel's build configuration ({@code .config}, Debian's {@code /boot/config-VERSION}, or the
 * copy a kernel built with {@code CONFIG_IKCONFIG} carries between the markers
 * {@code IKCFG_ST} and {@code IKCFG_ED}, gzip-compressed).
 *
 * <p>Lines {@code CONFIG_NAME=VALUE} set an option; {@code # CONFIG_NAME is not set} and
 * absence leave it off; anything else is ignored, as Kconfig does.
 *
 * @param source where the configuration came from, for messages
 */
public record KernelConfig(String source, Map<String, String> options) {
    static final byte[] IKCONFIG_START = "IKCFG_ST".getBytes(StandardCharsets.US_ASCII);

    /** How an option of type tristate or bool is set. */
    public enum State {
        BUILT_IN, MODULE, OFF
    }

    public KernelConfig {
        options = Map.copyOf(options);
    }

    /** Reads configuration text. */
    public static KernelConfig parse(String source, String text) {
        Map<String, String> options = new TreeMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 7) {
                    options.put(line.substring(7, eq), line.substring(eq + 1));
                }
            }
        }
        return new KernelConfig(source, options);
    }

    /**
     * The configuration embedded in a {@code vmlinux} by {@code CONFIG_IKCONFIG}, if there is one.
     *
     * @throws MalformedException if the marker is there but what follows does not decompress
     */
    public static Optional<KernelConfig> embedded(byte[] vmlinux) throws MalformedException {
        int at = indexOf(vmlinux, IKCONFIG_START, 0);
        if (at < 0) {
            return Optional.empty();
        }
        int from = at + IKCONFIG_START.length;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(vmlinux, from, vmlinux.length - from))) {
            byte[] text = in.readNBytes(16 << 20);
            return Optional.of(parse("the configuration embedded in the kernel (CONFIG_IKCONFIG)",
                    new String(text, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new MalformedException("the kernel's embedded configuration (IKCFG_ST) does not decompress: " + e.getMessage());
        }
    }

    /** How {@code CONFIG_name} is set (name without the prefix). */
    public State state(String name) {
        String v = options.get(name);
        if ("y".equals(v)) {
            return State.BUILT_IN;
        }
        if ("m".equals(v)) {
            return State.MODULE;
        }
        return State.OFF;
    }

    /** The first index of {@code needle} in {@code hay} at or after {@code from}, or -1. */
    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
