package mirage.gitstore;

/**
 * A registration for branch updates ({@link Branch#watch}). Updates reach the listener one at a
 * time, in the order the heads moved, on a thread of the store's own (a virtual thread), never
 * on the writer's thread; a listener that throws is not called again.
 */
public interface Watch extends AutoCloseable {

    /** Stops delivery; updates not yet delivered are dropped. Idempotent; never throws. */
    @Override
    void close();
}
