package mirage.platform.solo5.internal;

/**
 * Text from the boot command line or the host (a path, an interface name, an exception's
 * message) made fit for a one-line error: control characters (below U+0020, and U+007F) as
 * {@code \xNN}, at most a given number of code points. Boot arguments are bytes the user (or a
 * fuzzer) chose; a message that echoes one must stay one line.
 */
public final class Printable {
    private Printable() {}

    /** {@code s} with control characters escaped, cut after {@code max} code points. */
    public static String of(String s, int max) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (int i = 0; i < s.length() && n < max; n++) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x20 || c == 0x7f) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.appendCodePoint(c);
            }
        }
        return b.toString();
    }
}
