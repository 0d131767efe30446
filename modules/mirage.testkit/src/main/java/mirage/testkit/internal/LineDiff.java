package mirage.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff by longest common subsequence, printed unified-style: {@code "- "} for lines only
 * in the expected text, {@code "+ "} for lines only in the actual text, {@code "  "} for common
 * context (at most {@link #CONTEXT} lines around each change). Meant for small files.
 */
public final class LineDiff {
    static final int CONTEXT = 2;

    private LineDiff() {}

    public static String diff(String expectedLabel, String expected, String actualLabel, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                lines.add("  " + a.get(i));
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                lines.add("+ " + b.get(j));
                j++;
            } else {
                lines.add("- " + a.get(i));
                i++;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(expectedLabel).append('\n');
        out.append("+++ ").append(actualLabel).append('\n');
        int lastPrinted = -1;
        for (int k = 0; k < lines.size(); k++) {
            if (nearChange(lines, k)) {
                if (lastPrinted >= 0 && k > lastPrinted + 1) {
                    out.append("  ...\n");
                }
                out.append(lines.get(k)).append('\n');
                lastPrinted = k;
            }
        }
        return out.toString();
    }

    private static boolean nearChange(List<String> lines, int k) {
        for (int d = Math.max(0, k - CONTEXT); d <= Math.min(lines.size() - 1, k + CONTEXT); d++) {
            if (!lines.get(d).startsWith("  ")) {
                return true;
            }
        }
        return false;
    }
}
