package mirage.link.internal.reach;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a settings text that say something: {@code #} starts a comment, blanks are
 * trimmed, empty lines dropped. Keep rules and jlink profiles are written so.
 *
 * @param number the line's number in the text, from 1
 * @param text the line without its comment, trimmed, never empty
 */
public record TextLines(int number, String text) {
    /** The meaningful lines of {@code text}, in order. */
    public static List<TextLines> of(String text) {
        List<TextLines> out = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\n", -1)) {
            number++;
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (!line.isEmpty()) {
                out.add(new TextLines(number, line));
            }
        }
        return out;
    }
}
