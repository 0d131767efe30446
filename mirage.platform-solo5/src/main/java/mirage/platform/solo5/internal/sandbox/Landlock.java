package mirage.platform.solo5.internal.sandbox;

/**
 * The Landlock access rights a deny-all ruleset handles, by the kernel's ABI version
 * ({@code include/uapi/linux/landlock.h}). A right the ruleset handles and no rule grants is
 * denied; with no rule at all, every handled right is.
 */
final class Landlock {
    /** {@code LANDLOCK_ACCESS_FS_EXECUTE} to {@code LANDLOCK_ACCESS_FS_MAKE_SYM}: ABI 1's 13 rights. */
    static final long FS_ABI1 = (1L << 13) - 1;
    /** {@code LANDLOCK_ACCESS_FS_REFER}, ABI 2. */
    static final long FS_REFER = 1L << 13;
    /** {@code LANDLOCK_ACCESS_FS_TRUNCATE}, ABI 3. */
    static final long FS_TRUNCATE = 1L << 14;
    /** {@code LANDLOCK_ACCESS_FS_IOCTL_DEV}, ABI 5. */
    static final long FS_IOCTL_DEV = 1L << 15;
    /** {@code LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP}, ABI 4. */
    static final long NET_TCP = 3;
    /** {@code LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET}, ABI 6. */
    static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1;

    private Landlock() {}

    /** Every file-system right ABI {@code abi} knows. */
    static long handledFs(int abi) {
        long fs = FS_ABI1;
        if (abi >= 2) {
            fs |= FS_REFER;
        }
        if (abi >= 3) {
            fs |= FS_TRUNCATE;
        }
        if (abi >= 5) {
            fs |= FS_IOCTL_DEV;
        }
        return fs;
    }

    /** TCP bind and connect from ABI 4; 0 before. */
    static long handledNet(int abi) {
        return abi >= 4 ? NET_TCP : 0;
    }

    /**
     * Abstract UNIX sockets outside the domain from ABI 6; 0 before. Not
     * {@code LANDLOCK_SCOPE_SIGNAL}: without ABI 8's TSYNC the JVM's older threads are outside
     * the domain, and the JVM signals its own threads.
     */
    static long scoped(int abi) {
        return abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET : 0;
    }
}
