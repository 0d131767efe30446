package mirage.block;

/**
 * A view of a device that injects one {@link Fault} (see {@link Block#faulty}). Thread-safe as
 * every device, but the write index of a write racing with others is whichever order their
 * calls reach the counter: use one writer thread for a reproducible test.
 */
public interface FaultyBlock extends Block {

    /** The number of write calls begun so far, including the faulted one. */
    long writes();

    /** Whether the fault has happened. */
    boolean faulted();
}
