package mirage.platform.solo5.internal.sandbox;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

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
 * <p>Loaded only when the sandbox is installed or prepared: {@code --sandbox=off} links no
 * native call.
 */
public final class Sandbox {
    static final long SYS_PRCTL = 157;
    static final long SYS_CLOSE = 3;
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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private Sandbox() {}

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
     *
     * @throws IllegalStateException one line naming the step that failed and the errno (e.g. a
     *     kernel without seccomp filters, or not Linux x86-64); the process is then partly
     *     confined (the steps before the failing one hold), and the caller must not go on
     */
    public static Outcome install(SyscallPolicy.Needs needs) {
        return run(needs, true);
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
     * @return what an install would report (Landlock's ABI, the filter's length)
     *
     * @throws IllegalStateException as {@link #install}: not Linux x86-64, or a Landlock call
     *     failed other than for a kernel without it
     */
    public static Outcome prepare(SyscallPolicy.Needs needs) {
        return run(needs, false);
    }

    /** The install when {@code enforce}, else {@link #prepare}: one path, so both load the same classes. */
    private static Outcome run(SyscallPolicy.Needs needs, boolean enforce) {
        if (!SyscallPolicy.supported()) {
            throw new IllegalStateException("the sandbox supports Linux on x86-64 (amd64) only, not "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + ": run with --sandbox=off");
        }
        byte[] program = SyscallPolicy.program(needs).bytes();
        Prewarm.run();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            if (enforce && syscall(errno, SYS_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0) != 0) {
                throw failed("prctl(PR_SET_NO_NEW_PRIVS)", errno);
            }
            int abi = landlock(arena, errno, needs.hostSockets(), enforce);
            boolean allThreads = abi >= 8;
            // struct sock_fprog: unsigned short len, 6 bytes of padding, struct sock_filter *filter
            MemorySegment filter = arena.allocate(program.length, 8);
            MemorySegment.copy(program, 0, filter, JAVA_BYTE, 0, program.length);
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(JAVA_SHORT, 0, (short) (program.length / 8));
            fprog.set(JAVA_LONG, 8, filter.address());
            if (!enforce) {
                return new Outcome(abi, allThreads, program.length / 8);
            }
            long rc = syscall(errno, SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog.address());
            if (rc > 0) {
                throw new IllegalStateException("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread " + rc
                        + " cannot take the filter");
            }
            if (rc != 0) {
                throw failed("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)", errno);
            }
            return new Outcome(abi, allThreads, program.length / 8);
        }
    }

    /**
     * Enforces the deny-all ruleset (only creates and closes it unless {@code enforce}); returns
     * the ABI version, 0 if the kernel has no Landlock.
     */
    private static int landlock(Arena arena, MemorySegment errno, boolean hostSockets, boolean enforce) {
        long abi = syscall(errno, SYS_LANDLOCK_CREATE_RULESET, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
        if (abi < 0) {
            int e = errno(errno);
            if (e == ENOSYS || e == EOPNOTSUPP) {
                return 0; // not built, or built but not enabled at boot (lsm=)
            }
            throw failed("landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION)", errno);
        }
        // struct landlock_ruleset_attr: handled_access_fs, handled_access_net (ABI 4), scoped (ABI 6)
        MemorySegment attr = arena.allocate(24, 8);
        attr.set(JAVA_LONG, 0, Landlock.handledFs((int) abi));
        attr.set(JAVA_LONG, 8, hostSockets ? 0 : Landlock.handledNet((int) abi));
        attr.set(JAVA_LONG, 16, Landlock.scoped((int) abi));
        long size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        long fd = syscall(errno, SYS_LANDLOCK_CREATE_RULESET, attr.address(), size, 0);
        if (fd < 0) {
            throw failed("landlock_create_ruleset", errno);
        }
        long flags = abi >= 8 ? LANDLOCK_RESTRICT_SELF_TSYNC : 0;
        long rc = enforce ? syscall(errno, SYS_LANDLOCK_RESTRICT_SELF, fd, flags, 0) : 0;
        int why = errno(errno);
        syscall(errno, SYS_CLOSE, fd, 0, 0);
        if (rc != 0) {
            throw new IllegalStateException("landlock_restrict_self: errno " + why);
        }
        return (int) abi;
    }

    private static long syscall(MemorySegment errno, long number, long a, long b, long c) {
        try {
            // the unused arguments are 0: prctl refuses PR_SET_NO_NEW_PRIVS unless arguments 3-5 are
            return (long) SYSCALL.invokeExact(errno, number, a, b, c, 0L, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("syscall threw " + e, e);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno")));
    }

    private static IllegalStateException failed(String call, MemorySegment state) {
        return new IllegalStateException(call + ": errno " + errno(state));
    }
}
