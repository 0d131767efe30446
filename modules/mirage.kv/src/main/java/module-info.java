/** Key-value store signatures (mirage-kv 6 semantics). Not written yet: only the module exists. */
module mirage.kv {
    requires mirage.core;
}
