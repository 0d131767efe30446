package mirage.core.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mirage.core.internal.text.Printable;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;

/**
 * The manifest's text form: a header line {@code mirage-manifest 1}, then one line per device,
 * {@code KIND NAME} (e.g. {@code NET_BASIC service}), each ended by {@code \n}.
 */
public final class ManifestCodec {
    public static final String HEADER = "mirage-manifest 1";
    /** Longest text accepted: far above 63 entries of 31-character names. */
    static final int MAX_CHARS = 8192;

    private ManifestCodec() {}

    public static boolean isDeviceName(String name) {
        if (name.isEmpty() || name.length() > 31) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!(letter || (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '-')))) {
                return false;
            }
        }
        return true;
    }

    public static String encode(Manifest manifest) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Manifest.Entry e : manifest.devices()) {
            b.append(e.kind().name()).append(' ').append(e.name()).append('\n');
        }
        return b.toString();
    }

    public static Manifest decode(String text) throws ManifestException {
        if (text.length() > MAX_CHARS) {
            throw new ManifestException(1, "longer than " + MAX_CHARS + " characters");
        }
        if (!text.endsWith("\n")) {
            throw new ManifestException(Math.max(1, (int) text.lines().count()), "does not end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new ManifestException(1, "expected '" + HEADER + "', found '" + Printable.of(lines[0], 80) + "'");
        }
        List<Manifest.Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            int sp = line.indexOf(' ');
            if (sp < 0 || line.indexOf(' ', sp + 1) >= 0) {
                throw new ManifestException(lineNo, "expected 'KIND NAME', found '" + Printable.of(line, 80) + "'");
            }
            String kindText = line.substring(0, sp);
            String name = line.substring(sp + 1);
            DeviceKind kind = switch (kindText) {
                case "NET_BASIC" -> DeviceKind.NET_BASIC;
                case "BLOCK_BASIC" -> DeviceKind.BLOCK_BASIC;
                case "KV_RO" -> DeviceKind.KV_RO;
                default -> throw new ManifestException(lineNo, "unknown device kind '" + Printable.of(kindText, 80) + "'");
            };
            if (!isDeviceName(name)) {
                throw new ManifestException(lineNo, "malformed device name '" + Printable.of(name, 80) + "'");
            }
            if (!names.add(name)) {
                throw new ManifestException(lineNo, "device '" + name + "' listed twice");
            }
            if (entries.size() == Manifest.MAX_DEVICES) {
                throw new ManifestException(lineNo, "more than " + Manifest.MAX_DEVICES + " devices");
            }
            entries.add(new Manifest.Entry(name, kind));
        }
        return new Manifest(entries);
    }
}
