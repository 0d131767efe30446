package mirage.gitstore;

import mirage.kv.KvException;
import mirage.kv.KvRw;

/**
 * A branch as a {@link KvRw}: every {@code set}, {@code setPartial}, {@code remove},
 * {@code rename} and {@code allocate} is one commit with a message naming the operation. Reads
 * see the head. {@code lastModified} is the time of the newest commit on the first-parent chain
 * that changed the key; {@code allocate}'s explicit time is not kept (git has no per-key time).
 * Store failures become {@link KvException} with reason {@code STORAGE} (cause attached).
 * Closing the view does not close the store.
 */
public interface BranchKv extends KvRw {

    /** The branch viewed. */
    Branch branch();

    /**
     * Runs {@code body} on a staging view that sees its own writes, then commits them all as one
     * commit with {@code message}, test-and-set on the head the body started from; if the head
     * moved, runs {@code body} again on the new head, at most {@code retries} more times
     * (irmin-mirage-git's {@code batch ?retries}). A body that writes nothing commits nothing.
     *
     * @throws KvException what {@code body} threw (nothing committed), or {@code STORAGE} with a
     *     {@link GitStoreException} cause of reason {@code TOO_MANY_RETRIES}
     */
    void batch(String message, int retries, Body body) throws KvException;

    /** The writes of one batch. */
    @FunctionalInterface
    interface Body {
        /** Reads and writes {@code staged}; must not keep it after returning. */
        void run(KvRw staged) throws KvException;
    }
}
