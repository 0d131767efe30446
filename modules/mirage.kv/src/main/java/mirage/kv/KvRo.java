package mirage.kv;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.kv.internal.MemoryKv;

/**
 * A read-only key-value store: nested dictionaries whose leaves are values (mirage-kv 6's
 * {@code Mirage_kv.RO}).
 *
 * <h2>Model</h2>
 * A store binds keys to values (byte strings). Dictionaries are implied: a key is a
 * {@link Kind#DICTIONARY} when some bound key lies below it; there are no empty dictionaries,
 * except the {@linkplain Key#ROOT root}, which always exists. A key below a value is bound to
 * nothing. Sizes and offsets are {@code long} (mirage's {@code Int63}).
 *
 * <h2>Buffer ownership</h2>
 * Every {@code byte[]} returned is a fresh array owned by the caller; the store keeps no
 * reference to it.
 *
 * <h2>Threading</h2>
 * Operations block the calling thread (meant to be a virtual thread) until done, never an
 * event loop. Every implementation in this project is safe for concurrent use; each operation
 * is atomic with respect to writes of a {@link KvRw}.
 *
 * <h2>Errors</h2>
 * Store errors throw {@link KvException} with a {@link KvException.Reason}. An operation on a
 * closed store throws {@link IllegalStateException}.
 */
public interface KvRo extends AutoCloseable {

    /**
     * What {@code key} is bound to: {@link Kind#VALUE}, {@link Kind#DICTIONARY} (always for the
     * root), or empty if nothing is.
     *
     * @throws KvException only with {@link KvException.Reason#STORAGE}
     */
    Optional<Kind> exists(Key key) throws KvException;

    /**
     * The whole value bound to {@code key}.
     *
     * @throws KvException {@code NOT_FOUND} if nothing is bound, {@code VALUE_EXPECTED} if it is
     *     a dictionary, {@code NO_SPACE} if the value is too large for one array
     */
    byte[] get(Key key) throws KvException;

    /**
     * At most {@code length} bytes of the value bound to {@code key}, from {@code offset}: fewer
     * when the value ends first, none when {@code offset} is at or past its end.
     *
     * @throws KvException as {@link #get}
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    byte[] getPartial(Key key, long offset, int length) throws KvException;

    /**
     * The entries directly below the dictionary {@code key}, with absolute keys, sorted by key.
     *
     * @throws KvException {@code NOT_FOUND} if nothing is bound, {@code DICTIONARY_EXPECTED} if
     *     it is a value
     */
    List<Entry> list(Key key) throws KvException;

    /**
     * When the value was last modified; for a dictionary, the latest of the entries below it
     * ({@link Instant#EPOCH} for an empty root).
     *
     * @throws KvException {@code NOT_FOUND} if nothing is bound
     */
    Instant lastModified(Key key) throws KvException;

    /**
     * A digest of what {@code key} is bound to: for a value, the SHA-256 of its bytes; for a
     * dictionary, a SHA-256 over its sorted entries (for each: one byte {@code 1} for a value or
     * {@code 2} for a dictionary, the 4-byte big-endian length of the segment's UTF-8 bytes,
     * those bytes, the entry's own 32-byte digest). Equal content gives equal digests in every
     * implementation. A fresh 32-byte array.
     *
     * @throws KvException {@code NOT_FOUND} if nothing is bound
     */
    byte[] digest(Key key) throws KvException;

    /**
     * The size in bytes of the value bound to {@code key}.
     *
     * @throws KvException {@code NOT_FOUND} if nothing is bound, {@code VALUE_EXPECTED} if it is
     *     a dictionary
     */
    long size(Key key) throws KvException;

    /** Releases the store (mirage's {@code disconnect}). Idempotent; never throws. */
    @Override
    void close();

    /**
     * A read-only store in memory holding a copy of each of {@code values} (taken now: later
     * changes to the map or its arrays do not show), every value last modified at
     * {@code lastModified}; dictionaries are the keys' proper prefixes, as in every store. What
     * a {@code KV_RO} device bound at boot and a store packed into the image at link time are.
     *
     * @throws IllegalArgumentException if a key is the root or lies below another key of
     *     {@code values} (a value cannot be a dictionary too)
     */
    static KvRo of(Map<Key, byte[]> values, Instant lastModified) {
        return MemoryKv.readOnly(values, lastModified);
    }
}
