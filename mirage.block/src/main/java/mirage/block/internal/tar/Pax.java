package mirage.block.internal.tar;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * POSIX.1-2001 (pax) extended header records: {@code "<length> <keyword>=<value>\n"}, where
 * the decimal length counts the whole record including itself and the newline. Values are
 * UTF-8. Only the keywords this store uses are interpreted by its caller; any record is
 * checked for well-formedness.
 */
final class Pax {
    private Pax() {}

    /** The records of {@code data[0..len)}, later records of one keyword replacing earlier ones. */
    static Map<String, String> parse(byte[] data, int len) throws TarFormatException {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < len) {
            if (data[i] == 0) {
                break; // some writers pad the data with NULs
            }
            int j = i;
            long n = 0;
            while (j < len && data[j] >= '0' && data[j] <= '9') {
                n = n * 10 + (data[j] - '0');
                if (n > len) {
                    throw new TarFormatException("pax record length at " + i + " exceeds the extended header");
                }
                j++;
            }
            if (j == i || j >= len || data[j] != ' ') {
                throw new TarFormatException("pax record at " + i + " does not start with a length and a space");
            }
            int recordEnd = i + (int) n;
            if (recordEnd > len || recordEnd <= j + 1 || data[recordEnd - 1] != '\n') {
                throw new TarFormatException("pax record at " + i + " has a wrong length or no newline");
            }
            int eq = -1;
            for (int k = j + 1; k < recordEnd - 1; k++) {
                if (data[k] == '=') {
                    eq = k;
                    break;
                }
            }
            if (eq <= j + 1) {
                throw new TarFormatException("pax record at " + i + " has no keyword=value");
            }
            String keyword = new String(data, j + 1, eq - j - 1, StandardCharsets.UTF_8);
            String value = new String(data, eq + 1, recordEnd - 1 - eq - 1, StandardCharsets.UTF_8);
            out.put(keyword, value);
            i = recordEnd;
        }
        return out;
    }

    /** A non-negative decimal integer (the {@code size} keyword). */
    static long size(String v) throws TarFormatException {
        if (v.isEmpty() || v.length() > 18) {
            throw new TarFormatException("pax size \"" + v + "\" is not a decimal number below 10^18");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new TarFormatException("pax size \"" + v + "\" is not a decimal number");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Seconds with an optional fraction, e.g. {@code "1700000000.123456789"}, as nanoseconds (saturating). */
    static long timeNanos(String v) throws TarFormatException {
        int i = 0;
        boolean negative = false;
        if (!v.isEmpty() && v.charAt(0) == '-') {
            negative = true;
            i = 1;
        }
        int dot = v.indexOf('.', i);
        String whole = dot < 0 ? v.substring(i) : v.substring(i, dot);
        String frac = dot < 0 ? "" : v.substring(dot + 1);
        if (whole.isEmpty() || whole.length() > 18 || !digits(whole) || !digits(frac)) {
            throw new TarFormatException("pax time \"" + v + "\" is not seconds[.fraction]");
        }
        long seconds = Long.parseLong(whole);
        String nine = (frac + "000000000").substring(0, 9);
        long nanos = Long.parseLong(nine);
        long total = seconds > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : seconds * 1_000_000_000L + nanos;
        return negative ? -total : total;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
