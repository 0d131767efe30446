package mirage.platform.solo5.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mirage.platform.solo5.internal.sandbox.SyscallPolicy.Check;
import mirage.platform.solo5.internal.sandbox.SyscallPolicy.Needs;
import mirage.platform.solo5.internal.sandbox.SyscallPolicy.Rule;
import org.junit.jupiter.api.Test;

/**
 * The seccomp program against a model of the rules: a classic-BPF interpreter of our own (as
 * the kernel's {@code seccomp_run_filters} runs the program on {@code struct seccomp_data})
 * gives, for any call and arguments, what the first matching rule says, and kills anything
 * else, another architecture and the x32 ABI. The numbers are checked against the kernel's
 * {@code asm/unistd_64.h} where the headers are installed.
 */
class SyscallPolicyTest {
    static final Needs DIRECT = new Needs(false, false, 4242);
    static final Needs HOST = new Needs(true, true, 4242);

    /** Runs {@code program} (struct sock_filter[], native order) on one seccomp_data. */
    static int run(byte[] program, int nr, int arch, long[] args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        data.putInt(0, nr).putInt(4, arch).putLong(8, 0x401000L);
        for (int i = 0; i < 6; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        int a = 0;
        int pc = 0;
        for (int steps = 0; steps < 10_000; steps++) {
            int code = p.getShort(pc * 8) & 0xffff;
            int jt = p.get(pc * 8 + 2) & 0xff;
            int jf = p.get(pc * 8 + 3) & 0xff;
            int k = p.getInt(pc * 8 + 4);
            switch (code) {
                case Bpf.LD_W_ABS -> {
                    a = data.getInt(k);
                    pc++;
                }
                case Bpf.JEQ_K -> pc += 1 + (a == k ? jt : jf);
                case Bpf.JGE_K -> pc += 1 + (Integer.compareUnsigned(a, k) >= 0 ? jt : jf);
                case Bpf.JSET_K -> pc += 1 + ((a & k) != 0 ? jt : jf);
                case Bpf.RET_K -> {
                    return k;
                }
                default -> throw new AssertionError("unknown instruction " + code + " at " + pc);
            }
        }
        throw new AssertionError("the program did not end");
    }

    /** What the rules say, read directly. */
    static int model(List<Rule> rules, int nr, int arch, long[] args) {
        if (arch != SyscallPolicy.AUDIT_ARCH_X86_64 || Integer.compareUnsigned(nr, SyscallPolicy.X32_SYSCALL_BIT) >= 0) {
            return SyscallPolicy.RET_KILL_PROCESS;
        }
        for (Rule r : rules) {
            if (r.number() == nr) {
                boolean holds = switch (r.check()) {
                    case Check.Always a -> true;
                    case Check.AnyBit b -> ((int) args[b.arg()] & b.bits()) != 0;
                    case Check.OneOf o -> o.values().contains((int) args[o.arg()]);
                };
                return holds ? r.action() : r.otherwise();
            }
        }
        return SyscallPolicy.RET_KILL_PROCESS;
    }

    @Test
    void theProgramDoesWhatTheRulesSay_forAnyCallAndArguments() {
        for (Needs needs : List.of(DIRECT, HOST)) {
            List<Rule> rules = SyscallPolicy.rules(needs);
            byte[] program = SyscallPolicy.program(needs).bytes();
            List<Integer> interesting = List.of(SyscallPolicy.CLONE_THREAD, SyscallPolicy.AT_EMPTY_PATH, SyscallPolicy.AF_INET,
                    SyscallPolicy.AF_INET6, SyscallPolicy.PR_SET_NAME, SyscallPolicy.FIONREAD, SyscallPolicy.BLKGETSIZE64,
                    SyscallPolicy.RB_POWER_OFF, 4242, 1, 0);
            qt().withExamples(20_000).forAll(integers().between(-5, 520), integers().between(0, 15),
                    longs().all(), integers().between(0, interesting.size() - 1)).checkAssert((nr, archPick, noise, pick) -> {
                int arch = archPick == 0 ? 0xC00000B7 : archPick == 1 ? 0x40000003 : SyscallPolicy.AUDIT_ARCH_X86_64;
                long[] args = new long[6];
                for (int i = 0; i < 6; i++) {
                    // mostly values a check looks for, with noise in the high half or in place of them
                    args[i] = ((noise >>> (i * 9)) & 3) == 0 ? noise * (i + 1)
                            : (noise & 0xffffffff00000000L) | (interesting.get((pick + i) % interesting.size()) & 0xffffffffL)
                                    | (((noise >>> 40) & 1) == 0 ? 0 : SyscallPolicy.CLONE_THREAD);
                }
                assertEquals(model(rules, nr, arch, args), run(program, nr, arch, args),
                        () -> "call " + nr + " arch " + Integer.toHexString(arch));
            });
        }
    }

    @Test
    void x32CallsAndOtherArchitecturesAreKilled_evenForAllowedNumbers() {
        byte[] program = SyscallPolicy.program(DIRECT).bytes();
        long[] none = new long[6];
        assertEquals(SyscallPolicy.RET_ALLOW, run(program, 0, SyscallPolicy.AUDIT_ARCH_X86_64, none));
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(program, SyscallPolicy.X32_SYSCALL_BIT, SyscallPolicy.AUDIT_ARCH_X86_64, none));
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(program, 0, 0xC00000B7, none)); // aarch64
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(program, 3, 0x40000003, none)); // i386's read
    }

    @Test
    void theCallsThatMatter_getWhatTheDecisionSays() {
        byte[] direct = SyscallPolicy.program(DIRECT).bytes();
        byte[] host = SyscallPolicy.program(HOST).bytes();
        int x86 = SyscallPolicy.AUDIT_ARCH_X86_64;
        int eacces = SyscallPolicy.errno(SyscallPolicy.EACCES);
        int eperm = SyscallPolicy.errno(SyscallPolicy.EPERM);
        assertEquals(eacces, run(direct, 257, x86, new long[] {-100, 0, 0, 0, 0, 0}), "openat");
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(direct, 59, x86, new long[6]), "execve");
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(direct, 57, x86, new long[6]), "fork");
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(direct, 56, x86, new long[] {0x4111, 0, 0, 0, 0, 0}), "clone a process (vfork's flags)");
        assertEquals(SyscallPolicy.RET_ALLOW, run(direct, 56, x86, new long[] {0x3d0f00, 0, 0, 0, 0, 0}), "clone a thread (glibc's flags)");
        assertEquals(SyscallPolicy.errno(SyscallPolicy.ENOSYS), run(direct, 435, x86, new long[6]), "clone3");
        assertEquals(eperm, run(direct, 41, x86, new long[] {SyscallPolicy.AF_INET, 1, 0, 0, 0, 0}), "socket(AF_INET) without the host stack");
        assertEquals(SyscallPolicy.RET_ALLOW, run(host, 41, x86, new long[] {SyscallPolicy.AF_INET6, 1, 0, 0, 0, 0}), "socket(AF_INET6) with it");
        assertEquals(eperm, run(host, 41, x86, new long[] {1, 1, 0, 0, 0, 0}), "socket(AF_UNIX) even with it");
        assertEquals(eperm, run(host, 41, x86, new long[] {17, 3, 0, 0, 0, 0}), "socket(AF_PACKET) even with it");
        assertEquals(eperm, run(direct, 42, x86, new long[6]), "connect without the host stack");
        assertEquals(SyscallPolicy.RET_ALLOW, run(direct, 157, x86, new long[] {SyscallPolicy.PR_SET_NAME, 0, 0, 0, 0, 0}), "prctl(PR_SET_NAME)");
        assertEquals(eperm, run(direct, 157, x86, new long[] {38, 1, 0, 0, 0, 0}), "prctl(PR_SET_NO_NEW_PRIVS)");
        assertEquals(SyscallPolicy.RET_ALLOW, run(direct, 234, x86, new long[] {4242, 7, 11, 0, 0, 0}), "tgkill of our own thread");
        assertEquals(eperm, run(direct, 234, x86, new long[] {1, 1, 9, 0, 0, 0}), "tgkill of init");
        assertEquals(SyscallPolicy.RET_ALLOW, run(direct, 262, x86, new long[] {5, 0, 0, SyscallPolicy.AT_EMPTY_PATH, 0, 0}), "fstat as newfstatat");
        assertEquals(eacces, run(direct, 262, x86, new long[] {-100, 0, 0, 0, 0, 0}), "stat by path");
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(direct, 169, x86, new long[] {0xfee1dead, 672274793, SyscallPolicy.RB_POWER_OFF, 0, 0, 0}),
                "reboot outside a microVM");
        assertEquals(SyscallPolicy.RET_ALLOW, run(host, 169, x86, new long[] {0xfee1dead, 672274793, SyscallPolicy.RB_POWER_OFF, 0, 0, 0}),
                "power off as a microVM's PID 1");
        assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(host, 169, x86, new long[] {0xfee1dead, 672274793, 0x01234567, 0, 0, 0}),
                "restart as a microVM's PID 1");
        for (int killed : new int[] {101, 165, 175, 313, 310, 322, 58, 62, 272, 444}) { // ptrace mount init_module finit_module process_vm_readv execveat vfork kill unshare landlock
            assertEquals(SyscallPolicy.RET_KILL_PROCESS, run(host, killed, x86, new long[6]), "call " + killed);
        }
    }

    @Test
    void everyCallIsNamedOnce() {
        for (Needs needs : List.of(DIRECT, HOST)) {
            Set<Integer> numbers = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (Rule r : SyscallPolicy.rules(needs)) {
                assertTrue(numbers.add(r.number()), "twice: " + r.number());
                assertTrue(names.add(r.name()), "twice: " + r.name());
                assertTrue(!r.why().isBlank(), r.name());
            }
        }
    }

    /** Our numbers are the kernel's, where its headers are installed (Debian: linux-libc-dev). */
    @Test
    void theNumbersAreTheKernels() throws IOException {
        Path header = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        assumeTrue(Files.isRegularFile(header), "no " + header + " (package linux-libc-dev)");
        Map<String, Integer> kernel = new HashMap<>();
        for (String line : Files.readAllLines(header)) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 3 && w[0].equals("#define") && w[1].startsWith("__NR_")) {
                kernel.put(w[1].substring(5), Integer.parseInt(w[2]));
            }
        }
        for (Rule r : SyscallPolicy.rules(HOST)) {
            assertEquals(kernel.get(r.name()), r.number(), r.name());
        }
        assertEquals(kernel.get("prctl"), (int) Sandbox.SYS_PRCTL);
        assertEquals(kernel.get("seccomp"), (int) Sandbox.SYS_SECCOMP);
        assertEquals(kernel.get("landlock_create_ruleset"), (int) Sandbox.SYS_LANDLOCK_CREATE_RULESET);
        assertEquals(kernel.get("landlock_restrict_self"), (int) Sandbox.SYS_LANDLOCK_RESTRICT_SELF);
        assertEquals(kernel.get("close"), (int) Sandbox.SYS_CLOSE);
    }

    /** docs/decisions/0057-sandbox.md gives the reason for every call on the list. */
    @Test
    void theDecisionRecordNamesEveryCall() throws IOException {
        Path doc = Path.of("..", "docs", "decisions", "0057-sandbox.md");
        assumeTrue(Files.isRegularFile(doc), "run from the module directory");
        String text = Files.readString(doc);
        for (Rule r : SyscallPolicy.rules(HOST)) {
            assertTrue(text.contains("`" + r.name() + "`"), "0057 does not name `" + r.name() + "`");
        }
    }

    @Test
    void badProgramsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bpf().jeq(1, 256, 0));
        assertThrows(IllegalStateException.class, () -> new Bpf().bytes());
        assertThrows(IllegalStateException.class, () -> new Bpf().load(0).bytes());
        assertThrows(IllegalStateException.class, () -> new Bpf().load(0).jeq(1, 1, 0).ret(0).bytes());
        assertEquals(16, new Bpf().load(0).ret(0).bytes().length);
    }

    @Test
    void landlockHandlesEveryRightItsAbiKnows() {
        assertEquals(0x1fff, Landlock.handledFs(1));
        assertEquals(0x3fff, Landlock.handledFs(2));
        assertEquals(0x7fff, Landlock.handledFs(4));
        assertEquals(0xffff, Landlock.handledFs(7));
        assertEquals(0, Landlock.handledNet(3));
        assertEquals(3, Landlock.handledNet(4));
        assertEquals(0, Landlock.scoped(5));
        assertEquals(1, Landlock.scoped(6));
    }
}
