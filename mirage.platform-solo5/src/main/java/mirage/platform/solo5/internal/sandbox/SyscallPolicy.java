package mirage.platform.solo5.internal.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The seccomp allow-list of a bound unikernel on Linux x86-64, and its classic BPF program.
 * Each {@link Rule} names one system call, when it is allowed, and what happens otherwise; a
 * call no rule names kills the process. docs/decisions/0057-sandbox.md gives the reason for
 * every rule; the list was measured (strace of echo under load, hello, gitkv), not guessed.
 *
 * <p>What a refused call gets:
 * <ul>
 *   <li>{@code EACCES} for the file system by path (open, stat, readlink, create, remove...):
 *       what Landlock says too; the JDK turns it into {@code AccessDeniedException}, and its
 *       own lazy reads (a time zone, a security policy) fail as on an unreadable file rather
 *       than end the JVM;</li>
 *   <li>{@code EPERM} for new sockets and the calls that only a socket of the host's own
 *       network would need, and for {@code ioctl} and {@code prctl} requests beyond the few
 *       listed;</li>
 *   <li>{@code ENOSYS} for {@code clone3}, so that the C library falls back to {@code clone},
 *       whose flags the filter can read (a {@code clone3} argument is a pointer);</li>
 *   <li>the process killed ({@code SECCOMP_RET_KILL_PROCESS}) for everything else: a new
 *       process ({@code execve}, {@code fork}, {@code vfork}, {@code clone} without
 *       {@code CLONE_THREAD}), {@code ptrace}, {@code mount}, kernel modules, another
 *       architecture's calls or the x32 ABI's, and any call no rule names.</li>
 * </ul>
 */
public final class SyscallPolicy {
    /** {@code AUDIT_ARCH_X86_64}: {@code EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE}. */
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** {@code __X32_SYSCALL_BIT}: x32 ABI calls on x86-64 have it set. */
    static final int X32_SYSCALL_BIT = 0x40000000;
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int EPERM = 1;
    static final int EACCES = 13;
    static final int ENOSYS = 38;
    /** Offsets in {@code struct seccomp_data}: nr, arch, instruction pointer, six 64-bit args. */
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;
    static final int OFFSET_ARGS = 16;

    static final int CLONE_THREAD = 0x10000;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int PR_SET_NAME = 15;
    static final int PR_GET_NAME = 16;
    static final int PR_SET_VMA = 0x53564d41;
    static final int TCGETS = 0x5401;
    static final int FIONREAD = 0x541B;
    static final int FIONBIO = 0x5421;
    static final int BLKSSZGET = 0x1268;
    static final int BLKGETSIZE64 = 0x80081272;
    static final int RB_POWER_OFF = 0x4321fedc;

    /** What the filter does with a call: {@link #RET_ALLOW}, a {@link #errno}, or {@link #RET_KILL_PROCESS}. */
    static int errno(int errno) {
        return RET_ERRNO | errno;
    }

    /** When a rule's call is allowed. */
    sealed interface Check {
        /** Always. */
        record Always() implements Check {}

        /** When the low 32 bits of argument {@code arg} (0-5) have one of {@code bits} set. */
        record AnyBit(int arg, int bits) implements Check {}

        /** When the low 32 bits of argument {@code arg} (0-5) are one of {@code values}. */
        record OneOf(int arg, List<Integer> values) implements Check {}
    }

    /**
     * One system call: {@code action} when {@code check} holds, else {@code otherwise}.
     *
     * @param why the reason it is on the list, as the decision record gives it
     */
    record Rule(String name, int number, Check check, int action, int otherwise, String why) {
        static Rule allow(String name, int number, String why) {
            return new Rule(name, number, new Check.Always(), RET_ALLOW, RET_ALLOW, why);
        }

        static Rule refuse(String name, int number, int errno, String why) {
            return new Rule(name, number, new Check.Always(), errno(errno), errno(errno), why);
        }
    }

    /**
     * What the bound unikernel may need beyond the base list.
     *
     * @param hostSockets the unikernel uses the host's own sockets (the host-socket stack):
     *     {@code socket(AF_INET/AF_INET6)} and bind, listen, accept and connect are allowed
     * @param powerOff the JVM is a microVM's PID 1 and ends it with {@code reboot(RB_POWER_OFF)}
     * @param pid this process's id, the only one {@code tgkill} may signal
     */
    public record Needs(boolean hostSockets, boolean powerOff, long pid) {}

    private SyscallPolicy() {}

    /** Whether the filter knows this machine's system calls: Linux on x86-64. */
    static boolean supported() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The rules for {@code needs}, in the order the program tests them. */
    static List<Rule> rules(Needs needs) {
        List<Rule> r = new ArrayList<>();
        // the JVM's own: memory, threads and their locks, clocks, signals
        r.add(Rule.allow("futex", 202, "every Java lock, park and monitor wait; thread start and exit (glibc)"));
        r.add(Rule.allow("read", 0, "device descriptors (TAP, eventfd, /dev/urandom opened before the sandbox); the JVM's own"));
        r.add(Rule.allow("write", 1, "console (stdout, stderr), device descriptors, eventfd wake-ups"));
        r.add(Rule.allow("ppoll", 271, "the platform's wait on its devices (HostPoller)"));
        r.add(Rule.allow("mmap", 9, "the heap, thread stacks, code cache, malloc arenas, direct buffers"));
        r.add(Rule.allow("mprotect", 10, "thread stack guard pages, code cache, safepoint polling page, malloc"));
        r.add(Rule.allow("munmap", 11, "thread stacks at thread exit, malloc, unmapped buffers"));
        r.add(Rule.allow("madvise", 28, "glibc returns freed thread stacks and arenas; the GC uncommits"));
        r.add(Rule.allow("mremap", 25, "glibc realloc of large blocks"));
        r.add(Rule.allow("brk", 12, "glibc malloc's main arena"));
        r.add(Rule.allow("rt_sigprocmask", 14, "thread start (glibc blocks signals around clone), JVM signal handling"));
        r.add(Rule.allow("rt_sigreturn", 15, "return from the JVM's signal handlers (SIGSEGV for implicit null checks and polls)"));
        r.add(Rule.allow("rt_sigaction", 13, "the JVM and glibc (re)install handlers, e.g. on a thread's first signal chaining"));
        r.add(Rule.allow("sigaltstack", 131, "glibc and the JVM at thread start and exit"));
        r.add(Rule.allow("clock_gettime", 228, "System.nanoTime and the wall clock when the vDSO falls back to the kernel"));
        r.add(Rule.allow("clock_getres", 229, "clock resolution queries (vDSO fallback)"));
        r.add(Rule.allow("gettimeofday", 96, "the wall clock (vDSO fallback)"));
        r.add(Rule.allow("clock_nanosleep", 230, "Thread.sleep, the JVM's periodic tasks, timed parks"));
        r.add(Rule.allow("nanosleep", 35, "the JVM's spin-then-sleep waits"));
        r.add(Rule.allow("sched_yield", 24, "the JVM's spin loops (safepoints, GC workers)"));
        r.add(Rule.allow("sched_getaffinity", 204, "Runtime.availableProcessors, the JVM's and glibc's thread start"));
        r.add(Rule.allow("gettid", 186, "the JVM names and tracks its threads"));
        r.add(Rule.allow("getpid", 39, "ProcessHandle.current, the JVM"));
        r.add(Rule.allow("set_robust_list", 273, "glibc, at every thread start"));
        r.add(Rule.allow("rseq", 334, "glibc registers restartable sequences at every thread start"));
        r.add(new Rule("clone", 56, new Check.AnyBit(0, CLONE_THREAD), RET_ALLOW, RET_KILL_PROCESS,
                "new threads (CLONE_THREAD): the JVM starts compiler, GC and carrier threads on demand; without CLONE_THREAD (a new process) the process is killed"));
        r.add(Rule.refuse("clone3", 435, ENOSYS,
                "ENOSYS: glibc then makes the thread with clone, whose flags the filter can check (clone3's are behind a pointer)"));
        r.add(Rule.allow("exit", 60, "a thread ends"));
        r.add(Rule.allow("exit_group", 231, "the process ends (System.exit)"));
        r.add(Rule.allow("restart_syscall", 219, "the kernel restarts a call a signal interrupted"));
        r.add(new Rule("prctl", 157, new Check.OneOf(0, List.of(PR_SET_NAME, PR_GET_NAME, PR_SET_VMA)), RET_ALLOW, errno(EPERM),
                "PR_SET_NAME/PR_GET_NAME: the JVM names each new thread; PR_SET_VMA: JDK 25 names its anonymous mappings; any other option EPERM"));
        r.add(new Rule("tgkill", 234, new Check.OneOf(0, List.of((int) needs.pid())), RET_ALLOW, errno(EPERM),
                "the JVM signals its own threads (handshakes, thread dumps); another process EPERM"));
        r.add(Rule.allow("getrandom", 318, "glibc's and the JDK's seeds; gives nothing but random bytes"));
        r.add(Rule.allow("sysinfo", 99, "the JVM's free-memory queries (GC heuristics)"));
        r.add(Rule.allow("getrusage", 98, "CPU-time queries (thread CPU time, the JVM's statistics)"));
        r.add(Rule.allow("uname", 63, "gethostname: InetAddress.getLocalHost (JGit names the committer's host on a push)"));
        // descriptors bound before the sandbox
        r.add(Rule.allow("close", 3, "a device's descriptors when it is closed at exit"));
        r.add(Rule.allow("fstat", 5, "FileChannel.size and position of a block device's file; the JDK's stream checks"));
        r.add(new Rule("newfstatat", 262, new Check.AnyBit(3, AT_EMPTY_PATH), RET_ALLOW, errno(EACCES),
                "fstat of a descriptor (AT_EMPTY_PATH, as glibc implements fstat); by path EACCES"));
        r.add(Rule.allow("lseek", 8, "FileChannel position on a block device's file"));
        r.add(Rule.allow("pread64", 17, "block device reads (FileChannel.read at a position)"));
        r.add(Rule.allow("pwrite64", 18, "block device writes (FileChannel.write at a position)"));
        r.add(Rule.allow("readv", 19, "scattering reads on device descriptors"));
        r.add(Rule.allow("writev", 20, "gathering writes: a TAP frame behind its virtio-net header, the console"));
        r.add(Rule.allow("fsync", 74, "block device flush"));
        r.add(Rule.allow("fdatasync", 75, "block device flush (FileChannel.force(false))"));
        r.add(Rule.allow("fcntl", 72, "the JDK sets descriptors blocking or not, close-on-exec"));
        r.add(Rule.allow("dup", 32, "the JDK duplicates descriptors it already has"));
        r.add(Rule.allow("dup2", 33, "the JDK's socket close: dup2 of its pre-closed descriptor over the socket's"));
        r.add(Rule.allow("dup3", 292, "as dup2, with close-on-exec"));
        r.add(Rule.allow("pipe2", 293, "the JDK's Pipe and wake-ups: an anonymous pipe, no name"));
        r.add(Rule.allow("poll", 7, "the JDK's blocking I/O on a non-blocking descriptor"));
        r.add(Rule.allow("sendto", 44, "frames on an AF_PACKET or unix-stream device (send)"));
        r.add(Rule.allow("recvfrom", 45, "frames from an AF_PACKET or unix-stream device"));
        r.add(Rule.allow("sendmsg", 46, "device sockets; the host-socket stack"));
        r.add(Rule.allow("recvmsg", 47, "device sockets; the host-socket stack"));
        r.add(Rule.allow("getsockopt", 55, "SO_ERROR and buffer sizes of device sockets"));
        r.add(Rule.allow("setsockopt", 54, "buffer sizes and options of sockets already bound"));
        r.add(Rule.allow("shutdown", 48, "closing a stream device or host socket"));
        r.add(Rule.allow("epoll_create1", 291, "the JDK's selector (the host-socket stack's channels, virtual-thread I/O)"));
        r.add(Rule.allow("epoll_ctl", 233, "the JDK's selector"));
        r.add(Rule.allow("epoll_wait", 232, "the JDK's selector"));
        r.add(Rule.allow("epoll_pwait", 281, "the JDK's selector"));
        r.add(Rule.allow("eventfd2", 290, "the JDK selector's wake-up descriptor"));
        r.add(new Rule("ioctl", 16, new Check.OneOf(1, List.of(FIONREAD, FIONBIO, TCGETS, BLKGETSIZE64, BLKSSZGET)), RET_ALLOW,
                errno(EPERM), "FIONREAD/FIONBIO (the JDK's sockets), TCGETS (is the console a terminal), BLKGETSIZE64/BLKSSZGET (a raw block device's size); any other request EPERM: a TAP is configured before the sandbox"));
        // new sockets, and what only a socket of the host's network needs
        List<Integer> domains = needs.hostSockets() ? List.of(AF_INET, AF_INET6) : List.of();
        r.add(new Rule("socket", 41, new Check.OneOf(0, domains), RET_ALLOW, errno(EPERM),
                needs.hostSockets() ? "the host-socket stack: AF_INET and AF_INET6 only; any other family EPERM"
                        : "EPERM: a unikernel's network is its bound devices"));
        int hostOnly = needs.hostSockets() ? RET_ALLOW : errno(EPERM);
        r.add(new Rule("connect", 42, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's connections; else EPERM"));
        r.add(new Rule("bind", 49, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's listeners; else EPERM"));
        r.add(new Rule("listen", 50, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's listeners; else EPERM"));
        r.add(new Rule("accept", 43, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's listeners; else EPERM"));
        r.add(new Rule("accept4", 288, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's listeners; else EPERM"));
        r.add(new Rule("getsockname", 51, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's local addresses; else EPERM"));
        r.add(new Rule("getpeername", 52, new Check.Always(), hostOnly, hostOnly, "the host-socket stack's peers; else EPERM"));
        r.add(new Rule("socketpair", 53, new Check.Always(), hostOnly, hostOnly,
                "the JDK's socket dispatcher makes a pair once, to close sockets safely (host-socket stack); else EPERM"));
        // the file system by path: what Landlock refuses too
        for (Object[] call : new Object[][] {{"open", 2}, {"openat", 257}, {"openat2", 437}, {"creat", 85}, {"stat", 4},
                {"lstat", 6}, {"statx", 332}, {"access", 21}, {"faccessat", 269}, {"faccessat2", 439}, {"readlink", 89},
                {"readlinkat", 267}, {"getdents64", 217}, {"getcwd", 79}, {"chdir", 80}, {"statfs", 137}, {"mkdir", 83},
                {"mkdirat", 258}, {"rmdir", 84}, {"unlink", 87}, {"unlinkat", 263}, {"rename", 82}, {"renameat", 264},
                {"renameat2", 316}, {"link", 86}, {"linkat", 265}, {"symlink", 88}, {"symlinkat", 266}, {"chmod", 90},
                {"fchmodat", 268}, {"chown", 92}, {"lchown", 94}, {"fchownat", 260}, {"truncate", 76}, {"utimensat", 280},
                {"mknod", 133}, {"mknodat", 259}}) {
            r.add(Rule.refuse((String) call[0], (Integer) call[1], EACCES,
                    "EACCES: the file system is closed after binding (the JDK's lazy reads fail as on an unreadable file)"));
        }
        r.add(Rule.refuse("prlimit64", 302, EPERM, "EPERM: no resource limit changes (the JVM reads its limits at start)"));
        if (needs.powerOff()) {
            r.add(new Rule("reboot", 169, new Check.OneOf(2, List.of(RB_POWER_OFF)), RET_ALLOW, RET_KILL_PROCESS,
                    "a microVM's PID 1 powers the machine off at exit (RB_POWER_OFF only)"));
        }
        return r;
    }

    /** The filter for {@code needs}. */
    static Bpf program(Needs needs) {
        return assemble(rules(needs));
    }

    /**
     * Assembles {@code rules}: the architecture first (anything but x86-64 is killed), then the
     * x32 ABI (killed), then each rule in order, then the default: kill.
     */
    static Bpf assemble(List<Rule> rules) {
        Bpf b = new Bpf();
        b.load(OFFSET_ARCH).jeq(AUDIT_ARCH_X86_64, 1, 0).ret(RET_KILL_PROCESS);
        b.load(OFFSET_NR).jge(X32_SYSCALL_BIT, 0, 1).ret(RET_KILL_PROCESS);
        for (Rule rule : rules) {
            // instanceof, not a pattern switch: the boot path makes no indy call sites (0006)
            Check check = rule.check();
            if (check instanceof Check.AnyBit bit) {
                b.jeq(rule.number(), 0, 4)
                        .load(OFFSET_ARGS + 8 * bit.arg())
                        .jset(bit.bits(), 0, 1)
                        .ret(rule.action())
                        .ret(rule.otherwise());
            } else if (check instanceof Check.OneOf one) {
                int m = one.values().size();
                b.jeq(rule.number(), 0, m + 3);
                b.load(OFFSET_ARGS + 8 * one.arg());
                for (int i = 0; i < m; i++) {
                    b.jeq(one.values().get(i), m - i, 0);
                }
                b.ret(rule.otherwise()).ret(rule.action());
            } else {
                b.jeq(rule.number(), 0, 1).ret(rule.action()); // Check.Always
            }
        }
        return b.ret(RET_KILL_PROCESS);
    }
}
