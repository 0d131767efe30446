/**
 * Key-value store signatures with mirage-kv 6 semantics: {@link mirage.kv.Key},
 * {@link mirage.kv.KvRo}, {@link mirage.kv.KvRw} and their typed errors. The in-memory store
 * ({@link mirage.kv.KvRw#memory(java.time.InstantSource)}) lives in {@code mirage.kv.internal}, not exported.
 */
module mirage.kv {
    exports mirage.kv;
}
