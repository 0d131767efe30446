package mirage.gitstore;

import java.util.Locale;
import java.util.Objects;

/**
 * The name of a commit: its SHA-1 object id as 40 lower-case hexadecimal digits.
 *
 * @param hex 40 hexadecimal digits; upper case is accepted and lowered
 */
public record CommitId(String hex) implements Comparable<CommitId> {

    /** @throws IllegalArgumentException unless {@code hex} is 40 hexadecimal digits */
    public CommitId {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 40) {
            throw new IllegalArgumentException("a commit id has 40 hexadecimal digits, not " + hex.length());
        }
        for (int i = 0; i < 40; i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("commit id: '" + hex.charAt(i) + "' at " + i + " is not a hexadecimal digit");
            }
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    /** The first 7 digits, as {@code git log --oneline} shows them. */
    public String abbreviated() {
        return hex.substring(0, 7);
    }

    @Override
    public int compareTo(CommitId o) {
        return hex.compareTo(o.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
