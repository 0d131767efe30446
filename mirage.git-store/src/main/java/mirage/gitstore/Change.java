package mirage.gitstore;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import mirage.kv.Key;

/**
 * How one value differs between two commits: {@code before} and {@code after} are the value's
 * bytes on each side, empty where the key held no value. Never both empty; never equal.
 *
 * @param key    the key of the value
 * @param before the value in the older commit, if any (copied)
 * @param after  the value in the newer commit, if any (copied)
 */
public record Change(Key key, Optional<byte[]> before, Optional<byte[]> after) {
    public Change {
        Objects.requireNonNull(key, "key");
        before = before.map(byte[]::clone);
        after = after.map(byte[]::clone);
        if (before.isEmpty() && after.isEmpty()) {
            throw new IllegalArgumentException("a change needs a value on at least one side: " + key);
        }
    }

    /** What happened to the key. */
    public Kind kind() {
        return before.isEmpty() ? Kind.ADDED : after.isEmpty() ? Kind.REMOVED : Kind.UPDATED;
    }

    /** A fresh copy of the older value. */
    @Override
    public Optional<byte[]> before() {
        return before.map(byte[]::clone);
    }

    /** A fresh copy of the newer value. */
    @Override
    public Optional<byte[]> after() {
        return after.map(byte[]::clone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Change c && c.key.equals(key) && same(c.before, before) && same(c.after, after);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + kind().hashCode();
    }

    @Override
    public String toString() {
        return "Change[" + kind() + " " + key + "]";
    }

    private static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }

    /** What happened to a key between two commits. */
    public enum Kind {
        /** Bound to a value only in the newer commit. */
        ADDED,
        /** Bound to a value only in the older commit. */
        REMOVED,
        /** Bound to different values in both. */
        UPDATED
    }
}
