package mirage.platform.solo5.internal.guest;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The system calls only a microVM's PID 1 makes, through FFM: {@code mount(2)},
 * {@code init_module(2)} and {@code reboot(2)}. Apart from {@code Libc}, whose class
 * initialization links a dozen calls, so that a process never links these and a guest links
 * only these on its way to its devices (each call linked costs ~0.1 s, the first ~1.5 s,
 * under emulation). {@code init_module} takes the module's bytes, read in Java, rather than a
 * descriptor ({@code finit_module}), so that no {@code open} or {@code close} is linked
 * either. Errors come back as {@code errno} in the caller's capture segment ({@link #errnoState}).
 */
final class InitCalls {
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    /** {@code LINUX_REBOOT_CMD_POWER_OFF}, {@code RB_POWER_OFF}. */
    static final int RB_POWER_OFF = 0x4321fedc;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private InitCalls() {}

    /** Handles made on first use: powering off needs {@code reboot} only. */
    private static final class Mount {
        static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mount"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    }

    private static final class Module {
        static final MethodHandle INIT_MODULE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("init_module"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS), ERRNO);
    }

    /** A segment to capture {@code errno} into (the layout {@code Libc.errnoState} allocates too). */
    static MemorySegment errnoState(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    /** The {@code errno} the last call through {@code state} left. */
    static int errno(MemorySegment state) {
        return state.get(JAVA_INT, Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno")));
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

    /** {@code init_module(image, image.byteSize(), params)}. */
    static int initModule(MemorySegment state, MemorySegment image, MemorySegment params) {
        try {
            return (int) Module.INIT_MODULE.invokeExact(state, image, image.byteSize(), params);
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
            int refused = (int) Reboot.REBOOT.invokeExact(errnoState(arena), RB_POWER_OFF);
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
