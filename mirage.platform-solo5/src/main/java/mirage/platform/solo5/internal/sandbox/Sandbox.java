package mirage.platform.solo5.internal.sandbox;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Confines the running JVM once its devices are bound (docs/decisions/0057-sandbox.md), in
 * this order, each step through the one FFM downcall {@code syscall(2)}:
 * <ol>
 *   <li>{@code prctl(PR_SET_NO_NEW_PRIVS, 1)}: no set-user-ID or file-capability gain, ever;
 *       required by the next two for an unprivileged process;</li>
 *   <li>Landlock: a ruleset that handles every file-system access right the kernel's ABI
 *       knows (and TCP bind/connect from ABI 4 unless the host-socket stack needs them, abstract
 *       UNIX sockets from ABI 6) with no rule,
 *       so that nothing may be opened, created, removed or executed by path; enforced on the
 *       calling thread and the threads it starts later, or on every thread with
 *       {@code LANDLOCK_RESTRICT_SELF_TSYNC} (ABI 8). A kernel without Landlock is
 *       {@linkplain Outcome reported}, not refused: the seccomp filter still applies;</li>
 *   <li>seccomp: the {@link SyscallPolicy} filter with {@code SECCOMP_FILTER_FLAG_TSYNC}, so
 *       that every thread of the JVM, those already running included, has it.</li>
 * </ol>
 * Before the first step, java.base reads what it would otherwise read lazily ({@link Prewarm}).
 * Irrevocable: nothing undoes it for the life of the process. Only on Linux x86-64.
 *
 * <p>{@link #prepare} does all of it but the irrevocable calls, for the link tool's AOT
 * training run, so that the image's cache holds what the install loads (docs/decisions/0059).
 *
 * <p>The downcall is linked on a thread of its own ({@link #link}), begun as soon as the
 * platform knows it will confine, while the binding thread attaches devices, assembles the
 * filter and pre-reads; the install waits for it (docs/decisions/0073). The structures the
 * calls take are written and read through {@link ByteBuffer}s rather than the segments'
 * {@code VarHandle}s, which spin method-handle classes at every boot that no AOT cache holds.
 *
 * <p>Loaded only when the sandbox is installed or prepared: {@code --sandbox=off} links no
 * native call.
 */
public final class Sandbox {
    static final long SYS_PRCTL = 157;
    static final long SYS_CLOSE = 3;
    static final long SYS_GETPID = 39;
    static final long SYS_SECCOMP = 317;
    static final long SYS_LANDLOCK_CREATE_RULESET = 444;
    static final long SYS_LANDLOCK_RESTRICT_SELF = 446;
    static final long PR_SET_NO_NEW_PRIVS = 38;
    static final long SECCOMP_SET_MODE_FILTER = 1;
    static final long SECCOMP_FILTER_FLAG_TSYNC = 1;
    static final long LANDLOCK_CREATE_RULESET_VERSION = 1;
    static final long LANDLOCK_RESTRICT_SELF_TSYNC = 1L << 3;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    private Sandbox() {}

    /**
     * The {@code syscall(2)} downcall, being linked on a platform thread of its own (daemon,
     * named {@code mirage-sandbox-link}): linking it (the FFM linker generates its stub and
     * method-handle classes, which no AOT cache holds) is the largest single cost of a boot
     * with the sandbox, and needs nothing the binding thread does. The link thread also makes
     * the downcall's first call, {@code getpid}, checked against this process's id, so that
     * the classes a handle's first call spins are spun there too (docs/decisions/0077).
     * {@link #install} and {@link #prepare} wait for it; the thread has ended before any
     * irrevocable call, so that Landlock's restriction of the calling thread (without ABI 8's
     * TSYNC) leaves no thread out.
     *
     * <p>Thread-safe: {@link #await} may be called by any thread, any number of times.
     */
    public static final class Link implements Runnable {
        private final Thread thread;
        /** Written by the link thread before it ends; read after {@code join}. */
        private MethodHandle handle;
        /** Where {@code errno} lies in the captured call state (the layout's paths spin classes too). */
        private int errnoOffset;
        private Throwable failure;

        private Link() {
            thread = new Thread(null, this, "mirage-sandbox-link", 0);
            thread.setDaemon(true);
        }

        /** Links the downcall and makes its first call on the link thread; not for other callers. */
        @Override
        public void run() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("the downcall is linked on its own thread only");
            }
            try {
                Linker linker = Linker.nativeLinker();
                // Declared without Linker.Option.firstVariadicArg(1), though syscall(2) is
                // variadic: on x86-64 (the only architecture the sandbox supports) a variadic
                // call differs only in %al, the count of vector registers used, which glibc's
                // syscall (assembly: it moves the integer registers and traps) never reads; the
                // option costs the link a fifth of its time (docs/decisions/0073).
                handle = linker.downcallHandle(linker.defaultLookup().findOrThrow("syscall"),
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                        Linker.Option.captureCallState("errno"));
                errnoOffset = offsetOf(Linker.Option.captureStateLayout(), "errno");
                firstCall();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        /**
         * Calls {@code getpid} through the new downcall, with the argument types of every later
         * call: the first call of a downcall handle spins method-handle classes of its own (its
         * invoker, the stub's first link), here rather than on the binding thread; and a handle
         * that does not return this process's id is refused before anything relies on it.
         */
        private void firstCall() {
            try (Arena arena = Arena.ofConfined()) {
                long pid = syscall(this, arena.allocate(Linker.Option.captureStateLayout()), SYS_GETPID, 0, 0, 0);
                long expected = ProcessHandle.current().pid();
                if (pid != expected) {
                    throw new IllegalStateException("syscall(getpid) returned " + pid + ", not this process's " + expected);
                }
            }
        }

        /**
         * The offset of the member {@code name} of {@code layout}: a sum over its members
         * (padding is a member) rather than a layout path, whose method handles spin classes.
         */
        private static int offsetOf(StructLayout layout, String name) {
            long offset = 0;
            for (MemoryLayout member : layout.memberLayouts()) {
                if (member.name().isPresent() && member.name().get().equals(name)) {
                    return (int) offset;
                }
                offset += member.byteSize();
            }
            throw new IllegalStateException("no " + name + " in the call state " + layout);
        }

        /**
         * Waits for the link thread to end (not interruptibly: the install must not go on
         * without it; an interrupt is kept for later).
         *
         * @return this link, linked
         * @throws IllegalStateException if linking or its first call failed (e.g. no
         *     {@code syscall} symbol, or native access not enabled for this module), with that
         *     failure as its cause
         */
        Link await() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new IllegalStateException("cannot link syscall(2): " + failure, failure);
            }
            return this;
        }
    }

    /**
     * Begins linking the {@code syscall(2)} downcall on a thread of its own, for a later
     * {@link #install} or {@link #prepare}.
     *
     * @return the link, to pass to {@link #install} or {@link #prepare}
     */
    public static Link link() {
        Link link = new Link();
        link.thread.start();
        return link;
    }

    /**
     * What {@link #install} did.
     *
     * @param landlockAbi the kernel's Landlock ABI version, 0 when it has none (or it is off)
     * @param landlockAllThreads whether Landlock holds for every thread (ABI 8's TSYNC) rather
     *     than the installing thread and those it starts
     * @param filterInstructions the seccomp program's length
     */
    public record Outcome(int landlockAbi, boolean landlockAllThreads, int filterInstructions) {}

    /**
     * Installs the sandbox on this process, from the thread that calls it.
     *
     * @param needs what the seccomp filter allows beyond its base list
     * @param link the downcall, from {@link #link}
     *
     * @throws IllegalStateException one line naming the step that failed and the errno (e.g. a
     *     kernel without seccomp filters, or not Linux x86-64); the process is then partly
     *     confined (the steps before the failing one hold), and the caller must not go on
     */
    public static Outcome install(SyscallPolicy.Needs needs, Link link) {
        return run(needs, link, true);
    }

    /**
     * Does everything {@link #install} does but its three irrevocable calls, for the link tool's
     * AOT training run ({@code --sandbox=train}, docs/decisions/0059): checks the platform,
     * assembles the filter, pre-reads, links and calls the {@code syscall(2)} downcall (a
     * Landlock ruleset is created and closed again, never enforced) and lays out the
     * {@code sock_fprog}, so that the classes and call sites of the install are loaded and
     * recorded into the cache. {@code prctl(PR_SET_NO_NEW_PRIVS)}, {@code landlock_restrict_self}
     * and {@code seccomp} are not called: the process stays as free as with
     * {@code --sandbox=off} and can write its AOT configuration at exit.
     *
     * @param needs what the seccomp filter would allow beyond its base list
     * @param link the downcall, from {@link #link}
     * @return what an install would report (Landlock's ABI, the filter's length)
     *
     * @throws IllegalStateException as {@link #install}: not Linux x86-64, or a Landlock call
     *     failed other than for a kernel without it
     */
    public static Outcome prepare(SyscallPolicy.Needs needs, Link link) {
        return run(needs, link, false);
    }

    /** The install when {@code enforce}, else {@link #prepare}: one path, so both load the same classes. */
    private static Outcome run(SyscallPolicy.Needs needs, Link link, boolean enforce) {
        if (!SyscallPolicy.supported()) {
            throw new IllegalStateException("the sandbox supports Linux on x86-64 (amd64) only, not "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + ": run with --sandbox=off");
        }
        byte[] program = SyscallPolicy.program(needs).bytes();
        Prewarm.run();
        link.await();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            if (enforce && syscall(link, errno, SYS_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0) != 0) {
                throw failed(link, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
            }
            int abi = landlock(link, arena, errno, needs.hostSockets(), enforce);
            boolean allThreads = abi >= 8;
            // struct sock_fprog: unsigned short len, 6 bytes of padding, struct sock_filter *filter
            MemorySegment filter = arena.allocate(program.length, 8);
            filter.asByteBuffer().put(0, program);
            MemorySegment fprog = arena.allocate(16, 8);
            ByteBuffer f = fprog.asByteBuffer().order(ByteOrder.nativeOrder());
            f.putShort(0, (short) (program.length / 8));
            f.putLong(8, filter.address());
            if (!enforce) {
                return new Outcome(abi, allThreads, program.length / 8);
            }
            long rc = syscall(link, errno, SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog.address());
            if (rc > 0) {
                throw new IllegalStateException("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread " + rc
                        + " cannot take the filter");
            }
            if (rc != 0) {
                throw failed(link, "seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)", errno);
            }
            return new Outcome(abi, allThreads, program.length / 8);
        }
    }

    /**
     * Enforces the deny-all ruleset (only creates and closes it unless {@code enforce}); returns
     * the ABI version, 0 if the kernel has no Landlock.
     */
    private static int landlock(Link link, Arena arena, MemorySegment errno, boolean hostSockets, boolean enforce) {
        long abi = syscall(link, errno, SYS_LANDLOCK_CREATE_RULESET, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
        if (abi < 0) {
            int e = errno(link, errno);
            if (e == ENOSYS || e == EOPNOTSUPP) {
                return 0; // not built, or built but not enabled at boot (lsm=)
            }
            throw failed(link, "landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION)", errno);
        }
        // struct landlock_ruleset_attr: handled_access_fs, handled_access_net (ABI 4), scoped (ABI 6)
        MemorySegment attr = arena.allocate(24, 8);
        ByteBuffer a = attr.asByteBuffer().order(ByteOrder.nativeOrder());
        a.putLong(0, Landlock.handledFs((int) abi));
        a.putLong(8, hostSockets ? 0 : Landlock.handledNet((int) abi));
        a.putLong(16, Landlock.scoped((int) abi));
        long size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        long fd = syscall(link, errno, SYS_LANDLOCK_CREATE_RULESET, attr.address(), size, 0);
        if (fd < 0) {
            throw failed(link, "landlock_create_ruleset", errno);
        }
        long flags = abi >= 8 ? LANDLOCK_RESTRICT_SELF_TSYNC : 0;
        long rc = enforce ? syscall(link, errno, SYS_LANDLOCK_RESTRICT_SELF, fd, flags, 0) : 0;
        int why = errno(link, errno);
        syscall(link, errno, SYS_CLOSE, fd, 0, 0);
        if (rc != 0) {
            throw new IllegalStateException("landlock_restrict_self: errno " + why);
        }
        return (int) abi;
    }

    private static long syscall(Link link, MemorySegment errno, long number, long a, long b, long c) {
        try {
            // the unused arguments are 0: prctl refuses PR_SET_NO_NEW_PRIVS unless arguments 3-5 are
            return (long) link.handle.invokeExact(errno, number, a, b, c, 0L, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("syscall threw " + e, e);
        }
    }

    private static int errno(Link link, MemorySegment state) {
        return state.asByteBuffer().order(ByteOrder.nativeOrder()).getInt(link.errnoOffset);
    }

    private static IllegalStateException failed(Link link, String call, MemorySegment state) {
        return new IllegalStateException(call + ": errno " + errno(link, state));
    }
}
