package mirage.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A structured key: the path of a value or a dictionary in a key-value store, as a list of
 * segments (mirage-kv's {@code Key.t}). The {@linkplain #ROOT root} (no segments) names the
 * top-level dictionary.
 *
 * <p>A segment is a non-empty string that contains neither {@code '/'} nor NUL and is neither
 * {@code "."} nor {@code ".."}. Keys are immutable values; equality, hashing and
 * {@linkplain #compareTo order} are by segments (segment by segment, by
 * {@link String#compareTo}, a key before its descendants).
 *
 * <p>Constructing a key from an invalid segment throws {@link IllegalArgumentException} with a
 * message naming the segment and the rule it breaks: an invalid key is a programming or input
 * validation error, not a store error.
 *
 * @param segments the segments, outermost first; copied
 */
public record Key(List<String> segments) implements Comparable<Key> {

    /** The empty key: the top-level dictionary ({@code "/"}). */
    public static final Key ROOT = new Key(List.of());

    /**
     * @throws IllegalArgumentException if a segment is empty, {@code "."}, {@code ".."}, or
     *     contains {@code '/'} or NUL
     * @throws NullPointerException if {@code segments} or one of them is null
     */
    public Key {
        segments = List.copyOf(segments);
        for (int i = 0; i < segments.size(); i++) {
            checkSegment(segments.get(i), i);
        }
    }

    /**
     * Parses a path such as {@code "/a/b"}. As in mirage-kv's {@code Key.v}, the string is split
     * at {@code '/'} and empty pieces are dropped: the leading {@code '/'} is optional, a
     * trailing one is ignored and repeated slashes count as one, so {@code "a//b/"},
     * {@code "/a/b"} and {@code "a/b"} are the same key, and {@code ""} and {@code "/"} are
     * the {@linkplain #ROOT root}. Relative segments are not resolved but refused.
     *
     * @throws IllegalArgumentException if a segment is {@code "."} or {@code ".."} or holds NUL
     */
    public static Key parse(String path) {
        Objects.requireNonNull(path, "path");
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = path.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || path.charAt(i) == '/') {
                if (i > start) {
                    String segment = path.substring(start, i);
                    String why = invalidReason(segment);
                    if (why != null) {
                        throw new IllegalArgumentException(
                                "key \"" + printable(path) + "\": segment " + (out.size() + 1) + " " + why);
                    }
                    out.add(segment);
                }
                start = i + 1;
            }
        }
        return out.isEmpty() ? ROOT : new Key(out);
    }

    /**
     * The key with these segments, e.g. {@code Key.of("a", "b")} is {@code /a/b}.
     *
     * @throws IllegalArgumentException if a segment is invalid (see the class comment)
     */
    public static Key of(String... segments) {
        return segments.length == 0 ? ROOT : new Key(Arrays.asList(segments));
    }

    /**
     * This key with one more segment (mirage-kv's {@code add}, {@code /}).
     *
     * @throws IllegalArgumentException if {@code segment} is invalid, e.g. contains {@code '/'}
     */
    public Key append(String segment) {
        List<String> out = new ArrayList<>(segments.size() + 1);
        out.addAll(segments);
        out.add(segment);
        return new Key(out);
    }

    /** This key followed by the segments of {@code suffix} (mirage-kv's {@code append}, {@code //}). */
    public Key append(Key suffix) {
        if (suffix.segments.isEmpty()) {
            return this;
        }
        List<String> out = new ArrayList<>(segments.size() + suffix.segments.size());
        out.addAll(segments);
        out.addAll(suffix.segments);
        return new Key(out);
    }

    /** The key without its last segment; the parent of the root is the root. */
    public Key parent() {
        return segments.isEmpty() ? this : new Key(segments.subList(0, segments.size() - 1));
    }

    /** The last segment, or {@code ""} for the root. {@code parent().append(basename())} is this key (but for the root). */
    public String basename() {
        return segments.isEmpty() ? "" : segments.getLast();
    }

    /** Whether this is the root key. */
    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The number of segments. */
    public int depth() {
        return segments.size();
    }

    /** Whether {@code other} equals this key or lies below it. Every key starts with the root. */
    public boolean isPrefixOf(Key other) {
        int n = segments.size();
        if (other.segments.size() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!segments.get(i).equals(other.segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Segment by segment with {@link String#compareTo}; a key comes before its descendants. */
    @Override
    public int compareTo(Key other) {
        int n = Math.min(segments.size(), other.segments.size());
        for (int i = 0; i < n; i++) {
            int c = segments.get(i).compareTo(other.segments.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(segments.size(), other.segments.size());
    }

    /** {@code "/"} followed by the segments joined with {@code '/'}; the root is {@code "/"}. */
    @Override
    public String toString() {
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            b.append('/').append(s);
        }
        return b.toString();
    }

    private static void checkSegment(String segment, int index) {
        Objects.requireNonNull(segment, "segment");
        String why = invalidReason(segment);
        if (why != null) {
            throw new IllegalArgumentException("key segment " + (index + 1) + " " + why);
        }
    }

    /** Null if valid, else the end of a sentence saying why not. */
    private static String invalidReason(String segment) {
        if (segment.isEmpty()) {
            return "is empty (a key segment needs at least one character)";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "is \"" + segment + "\": keys have no relative segments";
        }
        if (segment.indexOf('/') >= 0) {
            return "\"" + printable(segment) + "\" contains '/' (use Key.parse to split a path)";
        }
        if (segment.indexOf('\0') >= 0) {
            return "\"" + printable(segment) + "\" contains NUL";
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int limit = Math.min(s.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > limit) {
            b.append("...");
        }
        return b.toString();
    }
}
