/**
 * Key-value store signatures (mirage-kv 6): structured {@link mirage.kv.Key}s, the read-only
 * {@link mirage.kv.KvRo} and read-write {@link mirage.kv.KvRw} stores, and
 * {@link mirage.kv.KvException}. See docs/decisions/0010-kv-and-tar.md.
 */
package mirage.kv;
