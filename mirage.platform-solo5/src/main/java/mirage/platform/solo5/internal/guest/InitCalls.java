package mirage.platform.solo5.internal.guest;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The system calls only a microVM's PID 1 makes, through FFM: {@code mount(2)},
 * {@code finit_module(2)} (through {@code syscall(2)}: glibc 2.36 has no wrapper) and
 * {@code reboot(2)}. Apart from {@code Libc} so that a process never links them, and so
 * that powering off links one call only. Errors come back as {@code errno} in the caller's
 * capture segment ({@code Libc.errnoState}).
 */
final class InitCalls {
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    /** {@code LINUX_REBOOT_CMD_POWER_OFF}, {@code RB_POWER_OFF}. */
    static final int RB_POWER_OFF = 0x4321fedc;
    /** {@code SYS_finit_module} on x86-64. */
    static final long SYS_FINIT_MODULE = 313;
    static final int EBUSY = 16;
    static final int EEXIST = 17;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private InitCalls() {}

    /** Handles made on first use: powering off needs {@code reboot} only. */
    private static final class Mount {
        static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mount"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    }

    private static final class Module {
        static final MethodHandle SYSCALL = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(1));
    }

    private static final class Reboot {
        static final MethodHandle REBOOT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("reboot"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    static int mount(MemorySegment state, MemorySegment source, MemorySegment target, MemorySegment type, long flags) {
        try {
            return (int) Mount.MOUNT.invokeExact(state, source, target, type, flags, MemorySegment.NULL);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code finit_module(fd, params, 0)}. */
    static long finitModule(MemorySegment state, int fd, MemorySegment params) {
        try {
            return (long) Module.SYSCALL.invokeExact(state, SYS_FINIT_MODULE, fd, params, 0);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /**
     * {@code reboot(RB_POWER_OFF)}: returns only if the kernel refuses (not PID 1, no
     * {@code CAP_SYS_BOOT}). Loads no other native call (nor {@code Libc}).
     */
    static void powerOff() {
        try (Arena arena = Arena.ofConfined()) {
            int refused = (int) Reboot.REBOOT.invokeExact(arena.allocate(Linker.Option.captureStateLayout()), RB_POWER_OFF);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    private static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("native call threw " + e, e);
    }
}
