package mirage.kv;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import mirage.kv.internal.MemoryKv;

/**
 * A read-write key-value store (mirage-kv 6's {@code Mirage_kv.RW}).
 *
 * <h2>Writes</h2>
 * Writing below a missing dictionary creates it (dictionaries are implied by keys). A write
 * whose key lies below a value fails with {@code DICTIONARY_EXPECTED} naming that value's key;
 * a write that would make the {@linkplain Key#ROOT root} a value fails with
 * {@code VALUE_EXPECTED}. Each write is durable when it returns, as far as the store's storage
 * is (mirage: "each set/remove flushes"). A failed write changes nothing.
 *
 * <h2>Buffer ownership</h2>
 * A {@code byte[]} passed in is read during the call only; the caller may reuse it at once.
 *
 * <p>Threading and errors as for {@link KvRo}; each write is atomic.
 */
public interface KvRw extends KvRo {

    /**
     * Binds {@code key} to a copy of {@code value}, replacing any value bound to it.
     *
     * @throws KvException {@code VALUE_EXPECTED} if {@code key} is a dictionary or the root,
     *     {@code DICTIONARY_EXPECTED} if an ancestor is a value, {@code NO_SPACE}
     */
    void set(Key key, byte[] value) throws KvException;

    /**
     * Writes {@code data} into the value bound to {@code key} at {@code offset}, keeping the
     * bytes around it. A missing key is created as an empty value first; a value shorter than
     * {@code offset} is first extended with zero bytes (as {@code pwrite} does).
     *
     * @throws KvException as {@link #set}
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    void setPartial(Key key, long offset, byte[] data) throws KvException;

    /**
     * Removes whatever is bound to {@code key}: a value, or a whole dictionary (the root: every
     * entry). Removing an unbound key does nothing.
     *
     * @throws KvException {@code NOT_SUPPORTED} where the store cannot remove
     */
    void remove(Key key) throws KvException;

    /**
     * Moves what is bound to {@code source} (a value or a whole dictionary) to {@code dest},
     * replacing whatever {@code dest} was bound to.
     *
     * @throws KvException {@code NOT_FOUND} if {@code source} is unbound,
     *     {@code RENAME_SOURCE_PREFIX} if {@code source} is {@code dest} or an ancestor of it,
     *     {@code VALUE_EXPECTED} if a value would become the root, {@code DICTIONARY_EXPECTED}
     *     if an ancestor of {@code dest} is a value
     */
    void rename(Key source, Key dest) throws KvException;

    /**
     * Binds the unbound {@code key} to {@code size} zero bytes, last modified at
     * {@code lastModified} if given, else now.
     *
     * @throws KvException {@code ALREADY_PRESENT} if {@code key} is bound (a value or a
     *     dictionary), otherwise as {@link #set}
     * @throws IllegalArgumentException if {@code size} is negative
     */
    void allocate(Key key, long size, Optional<Instant> lastModified) throws KvException;

    /** {@link #allocate(Key, long, Optional)} at the current time. */
    default void allocate(Key key, long size) throws KvException {
        allocate(key, size, Optional.empty());
    }

    /**
     * An empty in-memory store, limited only by the heap.
     *
     * @param clock the time of writes (a unikernel passes its platform's {@code WallClock}, a
     *     simulation its virtual one)
     */
    static KvRw memory(InstantSource clock) {
        return new MemoryKv(clock, Long.MAX_VALUE);
    }

    /**
     * An empty in-memory store.
     *
     * @param clock the time of writes, as {@link #memory(InstantSource)}
     * @param capacity the most value bytes the store holds at once; a write beyond it fails
     *     with {@code NO_SPACE}
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    static KvRw memory(InstantSource clock, long capacity) {
        return new MemoryKv(clock, capacity);
    }
}
