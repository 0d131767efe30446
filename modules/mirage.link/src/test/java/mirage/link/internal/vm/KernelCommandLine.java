package mirage.link.internal.vm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of how Linux reads its command line (kernel/params.c {@code next_arg} and
 * {@code parse_args}, init/main.c {@code set_init_arg} and {@code repair_env_string}), to check
 * what the launcher writes: the words after the first bare {@code --} become init's arguments,
 * a word may be quoted whole or in its value, quotes are dropped, and parsing stops at a second
 * bare {@code --}. Blank is the kernel's {@code isspace}: bytes 9-13, 32 and 160.
 */
final class KernelCommandLine {
    private KernelCommandLine() {}

    static boolean isSpace(int b) {
        return (b >= 9 && b <= 13) || b == 32 || b == 160;
    }

    /** The arguments the kernel passes init after argv[0]. */
    static List<String> initArguments(String cmdline) {
        byte[] a = cmdline.getBytes(StandardCharsets.UTF_8);
        int[] at = {skip(a, 0)};
        boolean afterDashes = false;
        List<String> init = new ArrayList<>();
        while (at[0] < a.length) {
            String[] pv = next(a, at);
            if (pv[1] == null && pv[0].equals("--")) {
                if (afterDashes) {
                    break;
                }
                afterDashes = true;
                continue;
            }
            if (afterDashes) {
                init.add(pv[1] == null ? pv[0] : pv[0] + "=" + pv[1]);
            }
        }
        return init;
    }

    private static int skip(byte[] a, int i) {
        while (i < a.length && isSpace(a[i] & 0xff)) {
            i++;
        }
        return i;
    }

    /** next_arg: {param, value or null}; advances at[0] past the word and the blanks after it. */
    private static String[] next(byte[] a, int[] at) {
        int start = at[0];
        boolean inQuote = false;
        boolean quoted = false;
        if (a[start] == '"') {
            start++;
            inQuote = true;
            quoted = true;
        }
        int i = start;
        int equals = -1;
        for (; i < a.length; i++) {
            if (isSpace(a[i] & 0xff) && !inQuote) {
                break;
            }
            if (equals < 0 && a[i] == '=' && i > start) {
                equals = i;
            }
            if (a[i] == '"') {
                inQuote = !inQuote;
            }
        }
        int end = i; // exclusive
        String param;
        String value = null;
        int paramEnd = end;
        if (equals >= 0) {
            paramEnd = equals;
            int vStart = equals + 1;
            int vEnd = end;
            if (vStart < a.length && a[vStart] == '"') {
                vStart++;
                if (end > 0 && a[end - 1] == '"') {
                    vEnd = end - 1;
                }
            }
            if (quoted && end > 0 && a[end - 1] == '"' && vEnd == end) {
                vEnd = end - 1;
            }
            value = new String(a, vStart, Math.max(0, vEnd - vStart), StandardCharsets.UTF_8);
        } else if (quoted && end > start && a[end - 1] == '"') {
            paramEnd = end - 1;
        }
        param = new String(a, start, Math.max(0, paramEnd - start), StandardCharsets.UTF_8);
        at[0] = skip(a, i < a.length ? i + 1 : i);
        return new String[] {param, value};
    }
}
