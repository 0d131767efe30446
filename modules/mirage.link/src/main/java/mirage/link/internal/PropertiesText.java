package mirage.link.internal;

import java.nio.charset.StandardCharsets;

/**
 * The JDK's configuration files in {@link java.util.Properties} format without their comment
 * and blank lines, as {@link MiragePlugin} writes them into an image (docs/decisions/0080).
 * {@code conf/security/java.security} is 72 KB of which 3 KB are properties; a sandboxed
 * boot reads it before the sandbox is installed (the pre-read), character by character in
 * the interpreter, on the way to the unikernel's first answer.
 *
 * <p>A natural line is dropped only where {@code Properties.load} would skip it whole: at the
 * start of a logical line (the previous kept line does not end in an odd number of
 * backslashes), empty after the blanks {@code Properties} skips (space, tab, form feed), or
 * a comment ({@code #} or {@code !} first). Every other line is kept as it is, its terminator
 * ({@code \n}, {@code \r} or {@code \r\n}) included, so the text loads to the same properties.
 * Stateless; thread-safe.
 */
final class PropertiesText {
    private PropertiesText() {}

    /** Whether an image entry (its jlink path, {@code /MODULE/conf/...}) is a configuration file in Properties format. */
    static boolean isPropertiesConfig(String path) {
        int conf = path.indexOf("/conf/", 1);
        if (!path.startsWith("/") || conf < 0 || path.indexOf('/', 1) != conf) {
            return false;
        }
        return path.endsWith(".properties") || path.endsWith("/security/java.security");
    }

    /** {@code text} (ISO-8859-1, as {@code Properties.load(InputStream)} reads it) without its comment and blank lines. */
    static byte[] withoutComments(byte[] text) {
        return withoutComments(new String(text, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code text} without the natural lines {@code Properties.load} skips whole; see the class comment. */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length() / 4);
        boolean continued = false;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            int next = end;
            if (next < n) {
                next += text.charAt(next) == '\r' && next + 1 < n && text.charAt(next + 1) == '\n' ? 2 : 1;
            }
            if (continued || !skipped(text, start, end)) {
                out.append(text, start, next);
                int backslashes = 0;
                for (int i = end - 1; i >= start && text.charAt(i) == '\\'; i--) {
                    backslashes++;
                }
                continued = backslashes % 2 == 1;
            }
            start = next;
        }
        return out.toString();
    }

    /** Whether the natural line text[start, end) is blank or a comment, read at the start of a logical line. */
    private static boolean skipped(String text, int start, int end) {
        int i = start;
        while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\f')) {
            i++;
        }
        return i == end || text.charAt(i) == '#' || text.charAt(i) == '!';
    }
}
