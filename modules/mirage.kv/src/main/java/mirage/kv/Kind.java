package mirage.kv;

/** What a key is bound to: a value (bytes) or a dictionary (a key with entries below it). */
public enum Kind {
    /** The key holds bytes. */
    VALUE,
    /** The key is a proper prefix of at least one bound key (or is the root). */
    DICTIONARY
}
