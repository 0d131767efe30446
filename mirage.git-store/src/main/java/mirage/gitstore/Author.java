package mirage.gitstore;

import java.util.Objects;

/**
 * Who made a commit (git's author and committer identity).
 *
 * @param name  a name without {@code '<'}, {@code '>'} or line breaks
 * @param email an address without {@code '<'}, {@code '>'} or line breaks
 */
public record Author(String name, String email) {

    /** @throws IllegalArgumentException if a field holds {@code '<'}, {@code '>'}, CR, LF or NUL */
    public Author {
        check(Objects.requireNonNull(name, "name"), "name");
        check(Objects.requireNonNull(email, "email"), "email");
    }

    private static void check(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<' || c == '>' || c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException("author " + what + " must not contain '<', '>', line breaks or NUL");
            }
        }
    }
}
