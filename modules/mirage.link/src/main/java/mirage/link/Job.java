package mirage.link;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Unikernel;

/**
 * A unikernel: its name, its main class, and what its {@code start} method is called with.
 * Immutable; each method returns a new job.
 *
 * @param name the image's name, used for its launcher ({@code bin/NAME}) and in messages:
 *     1-40 characters of a-z, 0-9 and '-', starting with a letter
 * @param main the main class, if chosen yet
 * @param start the implementations passed to {@code start}, in parameter order
 */
public record Job(String name, Optional<Class<? extends Unikernel>> main, List<Impl> start) {

    /** @throws IllegalArgumentException if the name is not well formed */
    public Job {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(main, "main");
        start = List.copyOf(start);
        if (!name.matches("[a-z][a-z0-9-]{0,39}")) {
            throw new IllegalArgumentException("unikernel name '" + name
                    + "' must be 1-40 characters of a-z, 0-9 and '-', starting with a letter");
        }
    }

    /** A job with no main class yet. */
    public static Job named(String name) {
        return new Job(name, Optional.empty(), List.of());
    }

    /** This job with {@code mainClass} as its main class. */
    public Job main(Class<? extends Unikernel> mainClass) {
        return new Job(name, Optional.of(mainClass), start);
    }

    /** This job with {@code start} called with these implementations, in order. */
    public Job start(Impl... impls) {
        return new Job(name, main, List.of(impls));
    }
}
