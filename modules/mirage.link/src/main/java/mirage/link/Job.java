package mirage.link;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Unikernel;
import mirage.link.internal.MethodReference;

/**
 * A unikernel: its name, its main class, and what its {@code start} method is called with.
 * Immutable; each method returns a new value.
 *
 * <p>A description builds it in steps that {@code javac} checks: {@link #start(Start2)
 * start(Main::start)} names the main class's {@code start} method by a method reference, and
 * each {@code with(impl)} that follows gives the next parameter an implementation whose type
 * must fit that parameter's type ({@code Impl<? extends P>}), until the last one returns the
 * job:
 *
 * <pre>{@code
 * Job.named("hello").start(Hello::start)       // start(Console, Sleep, String, int)
 *         .with(Devices.console())
 *         .with(Devices.sleep())
 *         .with(Devices.arg(HELLO))             // a RuntimeArg<String>
 *         .with(Devices.arg(COUNT));            // a RuntimeArg<Integer>, passed as an int
 * }</pre>
 *
 * A device of the wrong type is a compile error of the description on its own line
 * ({@code incompatible types: Impl<Sleep> cannot be converted to Impl<? extends Console>});
 * too few {@code with}s leave a {@code PendingN} where a {@code Job} is needed, too many find no
 * {@code with}. Configure checks the same again by reflection, as a second line.
 *
 * @param name the image's name, used for its launcher ({@code bin/NAME}) and in messages:
 *     1-40 characters of a-z, 0-9 and '-', starting with a letter
 * @param main the main class, once {@code start} named it
 * @param start the implementations passed to {@code start}, in parameter order
 */
public record Job(String name, Optional<Class<? extends Unikernel>> main, List<Impl<?>> start) {

    /** The most parameters a {@code start} method may have. */
    public static final int MAX_PARAMETERS = 12;

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

    /** This job with {@code impl} as the next parameter's implementation. */
    private Job and(Impl<?> impl) {
        List<Impl<?>> more = new ArrayList<>(start);
        more.add(Objects.requireNonNull(impl, "impl"));
        return new Job(name, main, more);
    }

    /** This job with the main class {@code start} belongs to, and no parameters given yet. */
    private Job startingWith(Serializable start) {
        return new Job(name, Optional.of(MethodReference.startOf(start)), List.of());
    }

    /**
     * This job, its main class being the one whose {@code start} method without parameters
     * {@code start} refers to ({@code Main::start}).
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel> Job start(Start0<U> start) {
        return startingWith(start);
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 1 parameter get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A> Pending1<A> start(Start1<U, A> start) {
        return new Pending1<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 2 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B> Pending2<A, B> start(Start2<U, A, B> start) {
        return new Pending2<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 3 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C> Pending3<A, B, C> start(Start3<U, A, B, C> start) {
        return new Pending3<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 4 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D> Pending4<A, B, C, D> start(Start4<U, A, B, C, D> start) {
        return new Pending4<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 5 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E> Pending5<A, B, C, D, E> start(Start5<U, A, B, C, D, E> start) {
        return new Pending5<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 6 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F> Pending6<A, B, C, D, E, F> start(Start6<U, A, B, C, D, E, F> start) {
        return new Pending6<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 7 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G> Pending7<A, B, C, D, E, F, G> start(Start7<U, A, B, C, D, E, F, G> start) {
        return new Pending7<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 8 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G, H> Pending8<A, B, C, D, E, F, G, H> start(Start8<U, A, B, C, D, E, F, G, H> start) {
        return new Pending8<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 9 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G, H, I> Pending9<A, B, C, D, E, F, G, H, I> start(Start9<U, A, B, C, D, E, F, G, H, I> start) {
        return new Pending9<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 10 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G, H, I, J> Pending10<A, B, C, D, E, F, G, H, I, J> start(Start10<U, A, B, C, D, E, F, G, H, I, J> start) {
        return new Pending10<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 11 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G, H, I, J, K> Pending11<A, B, C, D, E, F, G, H, I, J, K> start(Start11<U, A, B, C, D, E, F, G, H, I, J, K> start) {
        return new Pending11<>(startingWith(start));
    }

    /**
     * This job, its main class being the one whose {@code start} method {@code start} refers to
     * ({@code Main::start}); its 12 parameters get their implementations from the {@code with}
     * calls that follow.
     *
     * @throws IllegalArgumentException if {@code start} is not a method reference to a public
     *     method named {@code start}
     */
    public <U extends Unikernel, A, B, C, D, E, F, G, H, I, J, K, L> Pending12<A, B, C, D, E, F, G, H, I, J, K, L> start(Start12<U, A, B, C, D, E, F, G, H, I, J, K, L> start) {
        return new Pending12<>(startingWith(start));
    }

    /** A reference to a {@code start} method of 0 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start0<U> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel) throws Exception;
    }

    /** A reference to a {@code start} method of 1 parameter, {@code Main::start}. */
    @FunctionalInterface
    public interface Start1<U, A> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a) throws Exception;
    }

    /** A reference to a {@code start} method of 2 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start2<U, A, B> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b) throws Exception;
    }

    /** A reference to a {@code start} method of 3 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start3<U, A, B, C> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c) throws Exception;
    }

    /** A reference to a {@code start} method of 4 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start4<U, A, B, C, D> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d) throws Exception;
    }

    /** A reference to a {@code start} method of 5 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start5<U, A, B, C, D, E> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e) throws Exception;
    }

    /** A reference to a {@code start} method of 6 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start6<U, A, B, C, D, E, F> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f) throws Exception;
    }

    /** A reference to a {@code start} method of 7 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start7<U, A, B, C, D, E, F, G> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g) throws Exception;
    }

    /** A reference to a {@code start} method of 8 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start8<U, A, B, C, D, E, F, G, H> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g, H h) throws Exception;
    }

    /** A reference to a {@code start} method of 9 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start9<U, A, B, C, D, E, F, G, H, I> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g, H h, I i) throws Exception;
    }

    /** A reference to a {@code start} method of 10 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start10<U, A, B, C, D, E, F, G, H, I, J> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j) throws Exception;
    }

    /** A reference to a {@code start} method of 11 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start11<U, A, B, C, D, E, F, G, H, I, J, K> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k) throws Exception;
    }

    /** A reference to a {@code start} method of 12 parameters, {@code Main::start}. */
    @FunctionalInterface
    public interface Start12<U, A, B, C, D, E, F, G, H, I, J, K, L> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        void start(U unikernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l) throws Exception;
    }

    /**
     * A job whose {@code start} still needs 1 parameter, of types {@code A}.
     *
     * @param job the job so far
     */
    public record Pending1<A>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Job with(Impl<? extends A> impl) {
            return job.and(impl);
        }
    }

    /**
     * A job whose {@code start} still needs 2 parameters, of types {@code A, B}.
     *
     * @param job the job so far
     */
    public record Pending2<A, B>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending1<B> with(Impl<? extends A> impl) {
            return new Pending1<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 3 parameters, of types {@code A, B, C}.
     *
     * @param job the job so far
     */
    public record Pending3<A, B, C>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending2<B, C> with(Impl<? extends A> impl) {
            return new Pending2<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 4 parameters, of types {@code A, B, C, D}.
     *
     * @param job the job so far
     */
    public record Pending4<A, B, C, D>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending3<B, C, D> with(Impl<? extends A> impl) {
            return new Pending3<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 5 parameters, of types {@code A, B, C, D, E}.
     *
     * @param job the job so far
     */
    public record Pending5<A, B, C, D, E>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending4<B, C, D, E> with(Impl<? extends A> impl) {
            return new Pending4<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 6 parameters, of types {@code A, B, C, D, E, F}.
     *
     * @param job the job so far
     */
    public record Pending6<A, B, C, D, E, F>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending5<B, C, D, E, F> with(Impl<? extends A> impl) {
            return new Pending5<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 7 parameters, of types {@code A, B, C, D, E, F, G}.
     *
     * @param job the job so far
     */
    public record Pending7<A, B, C, D, E, F, G>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending6<B, C, D, E, F, G> with(Impl<? extends A> impl) {
            return new Pending6<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 8 parameters, of types {@code A, B, C, D, E, F, G, H}.
     *
     * @param job the job so far
     */
    public record Pending8<A, B, C, D, E, F, G, H>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending7<B, C, D, E, F, G, H> with(Impl<? extends A> impl) {
            return new Pending7<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 9 parameters, of types {@code A, B, C, D, E, F, G, H, I}.
     *
     * @param job the job so far
     */
    public record Pending9<A, B, C, D, E, F, G, H, I>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending8<B, C, D, E, F, G, H, I> with(Impl<? extends A> impl) {
            return new Pending8<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 10 parameters, of types {@code A, B, C, D, E, F, G, H, I, J}.
     *
     * @param job the job so far
     */
    public record Pending10<A, B, C, D, E, F, G, H, I, J>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending9<B, C, D, E, F, G, H, I, J> with(Impl<? extends A> impl) {
            return new Pending9<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 11 parameters, of types {@code A, B, C, D, E, F, G, H, I, J, K}.
     *
     * @param job the job so far
     */
    public record Pending11<A, B, C, D, E, F, G, H, I, J, K>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending10<B, C, D, E, F, G, H, I, J, K> with(Impl<? extends A> impl) {
            return new Pending10<>(job.and(impl));
        }
    }

    /**
     * A job whose {@code start} still needs 12 parameters, of types {@code A, B, C, D, E, F, G, H, I, J, K, L}.
     *
     * @param job the job so far
     */
    public record Pending12<A, B, C, D, E, F, G, H, I, J, K, L>(Job job) {
        /** The job with {@code impl} for the next parameter, of type {@code A}. */
        public Pending11<B, C, D, E, F, G, H, I, J, K, L> with(Impl<? extends A> impl) {
            return new Pending11<>(job.and(impl));
        }
    }
}
