package mirage.core.internal.text;

/**
 * Text from the command line, a manifest or the host (an argument, a path, an interface name, an
 * exception's message) made fit for a one-line error: control characters (below U+0020, and
 * U+007F) as {@code \xNN}, at most a given number of code points, {@code ...} marking a cut.
 * Boot arguments are bytes the user (or a fuzzer) chose; a message that echoes one must stay one
 * line. One implementation for the core's argument parser and the Solo5 platform's binders
 * (exported to it only).
 */
public final class Printable {
    private Printable() {}

    /** {@code s} with control characters escaped, whatever its length. */
    public static String of(String s) {
        return of(s, Integer.MAX_VALUE);
    }

    /**
     * {@code s} with control characters escaped, cut after {@code max} of its code points (an
     * escaped one counts as one) and then ending in {@code ...}.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public static String of(String s, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("negative length " + max);
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        int i = 0;
        for (int n = 0; i < s.length() && n < max; n++) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x20 || c == 0x7f) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.appendCodePoint(c);
            }
        }
        if (i < s.length()) {
            b.append("...");
        }
        return b.toString();
    }
}
