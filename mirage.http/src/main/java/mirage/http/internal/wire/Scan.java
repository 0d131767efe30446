package mirage.http.internal.wire;

import java.util.ArrayList;
import java.util.List;
import mirage.http.Headers;

/** Byte-level pieces shared by the head parsers. */
final class Scan {
    private Scan() {}

    /**
     * The index just after the empty line ending a head that starts at {@code from}, looking no
     * further than {@code to}; -1 if there is none yet. A line ends with CRLF or a bare LF (RFC
     * 9112 section 2.2 lets a recipient accept it).
     */
    static int headEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                if (i + 1 < to && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** The end of the line starting at {@code i} (the index of its LF, or of the CR before it), or -1 before {@code to}. */
    static int lineEnd(byte[] b, int i, int to) {
        for (int j = i; j < to; j++) {
            if (b[j] == '\n') {
                return j > i && b[j - 1] == '\r' ? j - 1 : j;
            }
        }
        return -1;
    }

    /** The index after the line end at {@code end} (as {@link #lineEnd} gives it). */
    static int nextLine(byte[] b, int end) {
        return b[end] == '\r' ? end + 2 : end + 1;
    }

    static boolean tokenChar(byte c) {
        return Headers.Field.tokenChar(c & 0xff);
    }

    static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** A field value's byte: HTAB, SP, VCHAR or obs-text (RFC 9110 section 5.5). */
    static boolean valueChar(byte c) {
        int u = c & 0xff;
        return u == '\t' || u >= 0x20 && u != 0x7f;
    }

    /**
     * Parses the header fields of lines {@code [i, end)} (each {@code name: value} and a line
     * end) into {@code out}.
     *
     * @return null when every line is a field; else what is wrong with the first that is not
     */
    static String fields(byte[] b, int i, int end, List<Headers.Field> out) {
        while (i < end) {
            int le = lineEnd(b, i, end);
            if (le == i) {
                return null; // the empty line that ends the head
            }
            int colon = -1;
            for (int j = i; j < le; j++) {
                if (b[j] == ':') {
                    colon = j;
                    break;
                }
                if (!tokenChar(b[j])) {
                    // also a space before the colon (RFC 9112 section 5.1) and obsolete line folding
                    return "malformed header field";
                }
            }
            if (colon <= i) {
                return "malformed header field";
            }
            int vs = colon + 1;
            int ve = le;
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                ve--;
            }
            for (int j = vs; j < ve; j++) {
                if (!valueChar(b[j])) {
                    return "a control character in a header field value";
                }
            }
            out.add(new Headers.Field(latin1(b, i, colon), latin1(b, vs, ve)));
            i = nextLine(b, le);
        }
        return null;
    }

    @SuppressWarnings("deprecation") // ISO-8859-1 bytes to chars, no decoder
    static String latin1(byte[] b, int from, int to) {
        return new String(b, 0, from, to - from);
    }

    /**
     * A Content-Length value: digits, or a list of identical ones (RFC 9110 section 8.6); -1 if
     * malformed or over 18 digits.
     */
    static long contentLength(String value) {
        long n = -1;
        for (String v : value.split(",", -1)) {
            v = v.strip();
            if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Scan::digit)) {
                return -1;
            }
            long m = Long.parseLong(v);
            if (n >= 0 && n != m) {
                return -1;
            }
            n = m;
        }
        return n;
    }

    /** The transfer codings of every Transfer-Encoding field, in order, lower case, empty ones dropped. */
    static List<String> codings(List<String> values) {
        List<String> codings = new ArrayList<>();
        for (String v : values) {
            for (String c : v.split(",")) {
                String s = c.strip().toLowerCase(java.util.Locale.ROOT);
                int semi = s.indexOf(';');
                if (semi >= 0) {
                    s = s.substring(0, semi).strip();
                }
                if (!s.isEmpty()) {
                    codings.add(s);
                }
            }
        }
        return codings;
    }

    /** {@code s} with control characters escaped and cut to 80 characters, for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
