package mirage.platform.solo5.internal.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A small assembler for classic BPF as seccomp runs it: loads of 32-bit words of
 * {@code struct seccomp_data}, conditional jumps on constants and returns. A program is built
 * front to back; forward jumps are relative instruction counts (at most 255, as cBPF's 8-bit
 * {@code jt}/{@code jf} fields allow, checked here). Not thread-safe.
 *
 * <p>{@code struct sock_filter} is {@code {u16 code; u8 jt; u8 jf; u32 k}}, 8 bytes in the
 * machine's byte order ({@link #bytes()}).
 */
final class Bpf {
    /** {@code BPF_LD | BPF_W | BPF_ABS}: {@code A = data[k..k+4]}. */
    static final int LD_W_ABS = 0x20;
    /** {@code BPF_JMP | BPF_JEQ | BPF_K}. */
    static final int JEQ_K = 0x15;
    /** {@code BPF_JMP | BPF_JGE | BPF_K} (unsigned). */
    static final int JGE_K = 0x35;
    /** {@code BPF_JMP | BPF_JSET | BPF_K}: jump if {@code A & k != 0}. */
    static final int JSET_K = 0x45;
    /** {@code BPF_RET | BPF_K}. */
    static final int RET_K = 0x06;
    /** The longest program the kernel takes ({@code BPF_MAXINSNS}). */
    static final int MAX_INSNS = 4096;

    /** One instruction. */
    record Insn(int code, int jt, int jf, int k) {}

    private final List<Insn> program = new ArrayList<>();

    /** {@code A = } the 32-bit word at byte {@code offset} of {@code seccomp_data}. */
    Bpf load(int offset) {
        return add(new Insn(LD_W_ABS, 0, 0, offset));
    }

    /** If {@code A == k} skip {@code jt} instructions, else {@code jf}. */
    Bpf jeq(int k, int jt, int jf) {
        return add(new Insn(JEQ_K, jump(jt), jump(jf), k));
    }

    /** If {@code A >= k} (unsigned) skip {@code jt} instructions, else {@code jf}. */
    Bpf jge(int k, int jt, int jf) {
        return add(new Insn(JGE_K, jump(jt), jump(jf), k));
    }

    /** If {@code (A & k) != 0} skip {@code jt} instructions, else {@code jf}. */
    Bpf jset(int k, int jt, int jf) {
        return add(new Insn(JSET_K, jump(jt), jump(jf), k));
    }

    /** Ends the program's run with {@code action}. */
    Bpf ret(int action) {
        return add(new Insn(RET_K, 0, 0, action));
    }

    /** The instructions so far. */
    List<Insn> instructions() {
        return List.copyOf(program);
    }

    int size() {
        return program.size();
    }

    /**
     * The program as {@code struct sock_filter[]} in native byte order.
     *
     * @throws IllegalStateException if it is empty, longer than {@link #MAX_INSNS}, or a jump
     *     leaves it
     */
    byte[] bytes() {
        if (program.isEmpty() || program.size() > MAX_INSNS) {
            throw new IllegalStateException("a seccomp program has 1 to " + MAX_INSNS + " instructions, not " + program.size());
        }
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < program.size(); i++) {
            Insn insn = program.get(i);
            if (insn.code() != RET_K && insn.code() != LD_W_ABS
                    && (i + 1 + Math.max(insn.jt(), insn.jf()) >= program.size())) {
                throw new IllegalStateException("instruction " + i + " jumps past the end of the program");
            }
            b.putShort((short) insn.code()).put((byte) insn.jt()).put((byte) insn.jf()).putInt(insn.k());
        }
        if (program.getLast().code() != RET_K) {
            throw new IllegalStateException("a seccomp program ends with a return");
        }
        return b.array();
    }

    private Bpf add(Insn insn) {
        program.add(insn);
        return this;
    }

    private static int jump(int n) {
        if (n < 0 || n > 255) {
            throw new IllegalArgumentException("a cBPF jump skips 0 to 255 instructions, not " + n);
        }
        return n;
    }
}
