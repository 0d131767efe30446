package mirage.gitstore;

import java.util.Arrays;
import java.util.Objects;
import mirage.kv.Key;

/** One change of a batch ({@link Branch#apply}): all the writes of a batch become one commit. */
public sealed interface Write {

    /** The key written. */
    Key key();

    /** Bind {@code key} to {@code value} (the array is copied when the record is made). */
    record Set(Key key, byte[] value) implements Write {
        public Set {
            Objects.requireNonNull(key, "key");
            value = value.clone();
        }

        /** A fresh copy of the value. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Set s && s.key.equals(key) && Arrays.equals(s.value, value);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Set[" + key + ", " + value.length + " bytes]";
        }
    }

    /** Remove whatever {@code key} is bound to (a value or a whole dictionary); nothing if unbound. */
    record Remove(Key key) implements Write {
        public Remove {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Shorthand for {@link Set}. */
    static Write set(Key key, byte[] value) {
        return new Set(key, value);
    }

    /** Shorthand for {@link Remove}. */
    static Write remove(Key key) {
        return new Remove(key);
    }
}
