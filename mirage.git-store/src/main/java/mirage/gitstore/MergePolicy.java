package mirage.gitstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import mirage.kv.Key;

/**
 * Which {@link MergeFunction} resolves which keys: the function of the longest prefix that
 * contains the key, else the default.
 *
 * @param fallback the function for keys under no prefix
 * @param byPrefix functions by key prefix (copied)
 */
public record MergePolicy(MergeFunction fallback, Map<Key, MergeFunction> byPrefix) {
    public MergePolicy {
        Objects.requireNonNull(fallback, "fallback");
        byPrefix = Map.copyOf(byPrefix);
    }

    /** Every key resolved by {@code fallback}. */
    public static MergePolicy of(MergeFunction fallback) {
        return new MergePolicy(fallback, Map.of());
    }

    /** Conflicts on every key changed on both sides. */
    public static MergePolicy failOnConflict() {
        return of(MergeFunction.failOnConflict());
    }

    /** This policy with {@code function} for every key at or below {@code prefix}. */
    public MergePolicy with(Key prefix, MergeFunction function) {
        Map<Key, MergeFunction> m = new LinkedHashMap<>(byPrefix);
        m.put(Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(function, "function"));
        return new MergePolicy(fallback, m);
    }

    /** The function that resolves {@code key}. */
    public MergeFunction functionFor(Key key) {
        MergeFunction best = fallback;
        int depth = -1;
        for (Map.Entry<Key, MergeFunction> e : byPrefix.entrySet()) {
            if (e.getKey().depth() > depth && e.getKey().isPrefixOf(key)) {
                best = e.getValue();
                depth = e.getKey().depth();
            }
        }
        return best;
    }
}
