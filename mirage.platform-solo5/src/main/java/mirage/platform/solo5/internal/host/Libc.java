package mirage.platform.solo5.internal.host;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the host devices need, through FFM. Every call captures {@code errno}
 * into a caller-owned segment ({@link #errnoState}), so that threads never share one.
 *
 * <p>Loaded only when a device is bound: an image with no devices never links a native call
 * (docs/decisions/0006). Needs {@code --enable-native-access=mirage.platform.solo5} (or
 * {@code ALL-UNNAMED} on the class path); without it the JDK warns once and goes on.
 */
public final class Libc {
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    /** As {@link #SO_SNDBUF}, past {@code net.core.wmem_max}; needs CAP_NET_ADMIN. */
    public static final int SO_SNDBUFFORCE = 32;
    /** As {@link #SO_RCVBUF}, past {@code net.core.rmem_max}; needs CAP_NET_ADMIN. */
    public static final int SO_RCVBUFFORCE = 33;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;
    public static final int EINPROGRESS = 115;
    /** {@code sizeof(struct iovec)} on LP64: a pointer and a {@code size_t}. */
    public static final int IOVEC = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle IOCTL = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITEV = handle("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle SEND = handle("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle PPOLL = handle("ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), -1);
    private static final MethodHandle EVENTFD = handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle CONNECT = handle("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle GETSOCKOPT = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), -1);
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, int firstVariadic) {
        Linker.Option capture = Linker.Option.captureCallState("errno");
        Linker.Option[] options = firstVariadic < 0
                ? new Linker.Option[] {capture}
                : new Linker.Option[] {capture, Linker.Option.firstVariadicArg(firstVariadic)};
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, options);
    }

    /** A segment to capture {@code errno} into, for one thread at a time. */
    public static MemorySegment errnoState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** The {@code errno} the last call through {@code state} left. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags, 0);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(state, fd, request, arg);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(state, fd, buf, count);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(state, fd, buf, count);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code writev}: {@code iov} holds {@code count} {@code struct iovec}s ({@link #IOVEC} bytes each: base, length). */
    public static long writev(MemorySegment state, int fd, MemorySegment iov, int count) {
        try {
            return (long) WRITEV.invokeExact(state, fd, iov, count);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static long send(MemorySegment state, int fd, MemorySegment buf, long count, int flags) {
        try {
            return (long) SEND.invokeExact(state, fd, buf, count, flags);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code ppoll}; {@code timeout} is a {@code struct timespec} or {@link MemorySegment#NULL}. */
    public static int ppoll(MemorySegment state, MemorySegment fds, long count, MemorySegment timeout) {
        try {
            return (int) PPOLL.invokeExact(state, fds, count, timeout, MemorySegment.NULL);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int eventfd(MemorySegment state, int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initial, flags);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int connect(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) CONNECT.invokeExact(state, fd, address, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int bind(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(state, fd, address, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code setsockopt} with {@code value}'s whole size as the option length. */
    public static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value) {
        try {
            return (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code getsockopt}; {@code length} is a {@code socklen_t} holding the size of {@code value}, updated. */
    public static int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /**
     * {@code mmap} of {@code length} bytes of {@code fd} from offset 0, anywhere: the mapping's
     * address (a zero-length segment), or {@code MAP_FAILED} (all bits set) with errno in
     * {@code state}.
     */
    public static MemorySegment mmap(MemorySegment state, long length, int prot, int flags, int fd) {
        try {
            return (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, 0L);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** Whether an address {@link #mmap} returned is {@code MAP_FAILED}. */
    public static boolean mapFailed(MemorySegment address) {
        return address.address() == -1L;
    }

    public static int munmap(MemorySegment state, MemorySegment address, long length) {
        try {
            return (int) MUNMAP.invokeExact(state, address, length);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The C library's text for {@code errno}, e.g. "No such file or directory". */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "error " + errno : s.reinterpret(256).getString(0);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The symbolic name of {@code errno} for the errors a device binding meets, else its number. */
    public static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 6 -> "ENXIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 19 -> "ENODEV";
            case 20 -> "ENOTDIR";
            case 22 -> "EINVAL";
            case 24 -> "EMFILE";
            case 32 -> "EPIPE";
            case 36 -> "ENAMETOOLONG";
            case 77 -> "EBADFD";
            case 88 -> "ENOTSOCK";
            case 90 -> "EMSGSIZE";
            case 91 -> "EPROTOTYPE";
            case 92 -> "ENOPROTOOPT";
            case 93 -> "EPROTONOSUPPORT";
            case 94 -> "ESOCKTNOSUPPORT";
            case 97 -> "EAFNOSUPPORT";
            case 100 -> "ENETDOWN";
            case 104 -> "ECONNRESET";
            case 105 -> "ENOBUFS";
            case 111 -> "ECONNREFUSED";
            case 115 -> "EINPROGRESS";
            default -> "errno " + errno;
        };
    }

    private static AssertionError unexpected(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new AssertionError("native call threw " + e, e);
    }
}
