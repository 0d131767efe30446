package mirage.gitstore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import mirage.kv.Key;

/**
 * Resolves one key that both sides of a three-way merge changed differently (Irmin's
 * {@code Merge.f}). Called only for such keys, and only where both sides hold a value or
 * nothing (a value on one side and a dictionary on the other is always a conflict). Must be a
 * pure function of its input: it may be called again when a merge is retried.
 */
@FunctionalInterface
public interface MergeFunction {

    /** The resolution of {@code input}. */
    Resolution merge(Input input);

    /**
     * The three versions of one key.
     *
     * @param key        the key
     * @param base       its value in the merge base, if any
     * @param ours       its value on the branch merged into, if any
     * @param theirs     its value on the side merged in, if any
     * @param oursTime   the time of the commit at our head
     * @param theirsTime the time of the commit at their head
     */
    record Input(Key key, Optional<byte[]> base, Optional<byte[]> ours, Optional<byte[]> theirs,
                 Instant oursTime, Instant theirsTime) {
        public Input {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(ours, "ours");
            Objects.requireNonNull(theirs, "theirs");
            Objects.requireNonNull(oursTime, "oursTime");
            Objects.requireNonNull(theirsTime, "theirsTime");
        }
    }

    /** What a merge function decided. */
    sealed interface Resolution {
        /** The key ends bound to {@code value}, or unbound if empty. */
        record Resolved(Optional<byte[]> value) implements Resolution {
            public Resolved {
                value = value.map(byte[]::clone);
            }
        }

        /** The key cannot be merged; the reason is reported in the {@link MergeResult.Conflict}. */
        record Conflict(String reason) implements Resolution {
            public Conflict {
                Objects.requireNonNull(reason, "reason");
            }
        }

        /** Shorthand for {@link Resolved}. */
        static Resolution value(Optional<byte[]> value) {
            return new Resolved(value);
        }

        /** Shorthand for {@link Conflict}. */
        static Resolution conflict(String reason) {
            return new Conflict(reason);
        }
    }

    /**
     * Last writer wins: the side whose head commit is later; on equal times, theirs (the side
     * merged in). Never conflicts.
     */
    static MergeFunction lastWriterWins() {
        return in -> Resolution.value(in.oursTime().isAfter(in.theirsTime()) ? in.ours() : in.theirs());
    }

    /** Every key changed on both sides is a conflict. */
    static MergeFunction failOnConflict() {
        return in -> Resolution.conflict("changed on both sides");
    }

    /**
     * Counters: each value is a signed 64-bit decimal integer in ASCII (an absent value counts
     * as 0); the merge is {@code ours + theirs - base}, with wrapping arithmetic. A value that
     * is not such a number is a conflict.
     */
    static MergeFunction counters() {
        return in -> {
            long[] n = new long[3];
            Optional<byte[]>[] sides = new Optional[] {in.base(), in.ours(), in.theirs()};
            for (int i = 0; i < 3; i++) {
                if (sides[i].isPresent()) {
                    String s = new String(sides[i].get(), StandardCharsets.US_ASCII);
                    try {
                        n[i] = Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        return Resolution.conflict("not a counter: \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"");
                    }
                }
            }
            long merged = n[1] + n[2] - n[0];
            return Resolution.value(Optional.of(Long.toString(merged).getBytes(StandardCharsets.US_ASCII)));
        };
    }

    /** Whether two optional values hold equal bytes (a helper for merge functions). */
    static boolean sameValue(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }
}
