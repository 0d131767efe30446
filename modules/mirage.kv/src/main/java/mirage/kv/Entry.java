package mirage.kv;

import java.util.Objects;

/**
 * One entry of a dictionary listing: an absolute key (as in mirage-kv 6.0.1 and later) and
 * what it is bound to.
 */
public record Entry(Key key, Kind kind) {
    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
    }
}
