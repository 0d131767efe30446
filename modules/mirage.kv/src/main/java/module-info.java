/**
 * Key-value store signatures with mirage-kv 6 semantics: {@link mirage.kv.Key},
 * {@link mirage.kv.KvRo}, {@link mirage.kv.KvRw} and their typed errors. The in-memory store
 * ({@link mirage.kv.KvRw#memory()}) lives in {@code mirage.kv.internal}, not exported.
 */
module mirage.kv {
    requires mirage.core;

    exports mirage.kv;
}
