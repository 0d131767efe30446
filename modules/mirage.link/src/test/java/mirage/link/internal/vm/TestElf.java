package mirage.link.internal.vm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF64 little-endian files for tests: a kernel-like executable with a
 * {@code PT_NOTE} segment, or a module-like relocatable file with a {@code .modinfo} section, or
 * a shared object with a dynamic section. Only the fields {@link Elf} reads are filled in.
 */
final class TestElf {
    private int type = Elf.ET_EXEC;
    private int machine = Elf.EM_X86_64;
    private final List<byte[]> notes = new ArrayList<>();
    private final List<String[]> sections = new ArrayList<>();
    private final List<byte[]> sectionData = new ArrayList<>();
    private final List<String> needed = new ArrayList<>();
    private String soname;
    private String runpath;
    private String interpreter;

    static TestElf executable() {
        return new TestElf();
    }

    static TestElf module(String modinfo) {
        TestElf e = new TestElf();
        e.type = Elf.ET_REL;
        e.section(".modinfo", modinfo.replace('\n', '\0').getBytes(StandardCharsets.UTF_8));
        return e;
    }

    static TestElf sharedObject() {
        TestElf e = new TestElf();
        e.type = Elf.ET_DYN;
        return e;
    }

    TestElf machine(int m) {
        machine = m;
        return this;
    }

    /** Adds a note to the PT_NOTE segment. */
    TestElf note(String owner, int noteType, byte[] desc) {
        ByteBuffer b = ByteBuffer.allocate(12 + pad4(owner.length() + 1) + pad4(desc.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(owner.length() + 1).putInt(desc.length).putInt(noteType);
        b.put(owner.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        b.position(12 + pad4(owner.length() + 1));
        b.put(desc);
        notes.add(b.array());
        return this;
    }

    /** A PVH entry note, as Linux's arch/x86/platform/pvh/head.S has. */
    TestElf pvh() {
        return note("Xen", Kernel.XEN_ELFNOTE_PHYS32_ENTRY, new byte[] {0x50, 0x08, 0, 1, 0, 0, 0, 0});
    }

    TestElf section(String name, byte[] data) {
        sections.add(new String[] {name});
        sectionData.add(data);
        return this;
    }

    TestElf needs(String... names) {
        needed.addAll(List.of(names));
        return this;
    }

    TestElf soname(String s) {
        soname = s;
        return this;
    }

    TestElf runpath(String s) {
        runpath = s;
        return this;
    }

    TestElf interpreter(String s) {
        interpreter = s;
        return this;
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    byte[] build() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<long[]> phdrs = new ArrayList<>(); // type, offset, size, vaddr, align
        int base = 4096; // the body starts here; headers fit before it
        // the note segment
        if (!notes.isEmpty()) {
            int at = base + body.size();
            for (byte[] n : notes) {
                body.writeBytes(n);
            }
            phdrs.add(new long[] {Elf.PT_NOTE, at, base + body.size() - at, 0x1000000L + at, 4});
        }
        if (interpreter != null) {
            int at = base + body.size();
            body.writeBytes((interpreter + "\0").getBytes(StandardCharsets.UTF_8));
            phdrs.add(new long[] {Elf.PT_INTERP, at, interpreter.length() + 1, at, 1});
        }
        if (!needed.isEmpty() || soname != null || runpath != null) {
            ByteArrayOutputStream strtab = new ByteArrayOutputStream();
            strtab.write(0);
            List<long[]> dyn = new ArrayList<>();
            for (String n : needed) {
                dyn.add(new long[] {Elf.DT_NEEDED, strtab.size()});
                strtab.writeBytes((n + "\0").getBytes(StandardCharsets.UTF_8));
            }
            if (soname != null) {
                dyn.add(new long[] {Elf.DT_SONAME, strtab.size()});
                strtab.writeBytes((soname + "\0").getBytes(StandardCharsets.UTF_8));
            }
            if (runpath != null) {
                dyn.add(new long[] {Elf.DT_RUNPATH, strtab.size()});
                strtab.writeBytes((runpath + "\0").getBytes(StandardCharsets.UTF_8));
            }
            while (body.size() % 8 != 0) {
                body.write(0);
            }
            int strAt = base + body.size();
            byte[] s = strtab.toByteArray();
            body.writeBytes(s);
            while (body.size() % 8 != 0) {
                body.write(0);
            }
            long vbase = 0x400000L;
            dyn.add(new long[] {Elf.DT_STRTAB, vbase + strAt});
            dyn.add(new long[] {Elf.DT_STRSZ, s.length});
            dyn.add(new long[] {Elf.DT_NULL, 0});
            int dynAt = base + body.size();
            ByteBuffer d = ByteBuffer.allocate(16 * dyn.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (long[] e : dyn) {
                d.putLong(e[0]).putLong(e[1]);
            }
            body.writeBytes(d.array());
            // one PT_LOAD mapping the whole file at vbase
            phdrs.add(new long[] {Elf.PT_LOAD, 0, base + body.size(), vbase, 4096});
            phdrs.add(new long[] {Elf.PT_DYNAMIC, dynAt, 16L * dyn.size(), vbase + dynAt, 8});
        }
        // sections: null, the given ones, .shstrtab
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        List<long[]> shdrs = new ArrayList<>(); // name, type, offset, size
        shdrs.add(new long[] {0, 0, 0, 0});
        for (int i = 0; i < sections.size(); i++) {
            int nameAt = names.size();
            names.writeBytes((sections.get(i)[0] + "\0").getBytes(StandardCharsets.UTF_8));
            int at = base + body.size();
            body.writeBytes(sectionData.get(i));
            shdrs.add(new long[] {nameAt, 1, at, sectionData.get(i).length});
        }
        int shstrName = names.size();
        names.writeBytes(".shstrtab\0".getBytes(StandardCharsets.UTF_8));
        int shstrAt = base + body.size();
        body.writeBytes(names.toByteArray());
        shdrs.add(new long[] {shstrName, 3, shstrAt, names.size()});
        while (body.size() % 8 != 0) {
            body.write(0);
        }
        int shoff = base + body.size();

        ByteBuffer f = ByteBuffer.allocate(shoff + 64 * shdrs.size()).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(0x464c457f).put((byte) 2).put((byte) 1).put((byte) 1);
        f.position(16);
        f.putShort((short) type).putShort((short) machine).putInt(1).putLong(0x1000000L);
        f.putLong(phdrs.isEmpty() ? 0 : 64).putLong(shoff).putInt(0);
        f.putShort((short) 64).putShort((short) 56).putShort((short) phdrs.size()).putShort((short) 64)
                .putShort((short) shdrs.size()).putShort((short) (shdrs.size() - 1));
        for (int i = 0; i < phdrs.size(); i++) {
            long[] p = phdrs.get(i);
            int at = 64 + 56 * i;
            f.putInt(at, (int) p[0]).putInt(at + 4, 5).putLong(at + 8, p[1]).putLong(at + 16, p[3]).putLong(at + 24, p[3])
                    .putLong(at + 32, p[2]).putLong(at + 40, p[2]).putLong(at + 48, p[4]);
        }
        f.put(base, body.toByteArray());
        for (int i = 0; i < shdrs.size(); i++) {
            long[] s = shdrs.get(i);
            int at = shoff + 64 * i;
            f.putInt(at, (int) s[0]).putInt(at + 4, (int) s[1]).putLong(at + 24, s[2]).putLong(at + 32, s[3]);
        }
        return f.array();
    }
}
