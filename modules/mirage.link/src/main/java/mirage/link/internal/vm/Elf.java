package mirage.link.internal.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a 64-bit little-endian ELF file (x86-64 executables, shared libraries,
 * kernel modules, a {@code vmlinux}): its program headers, section headers, notes, and the
 * dynamic section's {@code DT_NEEDED}, {@code DT_SONAME}, {@code DT_RPATH} and
 * {@code DT_RUNPATH} entries, as the System V ABI and its x86-64 supplement lay them out.
 *
 * <p>{@link #read(ByteBuffer)} checks the file header and that every program and section
 * header lies inside the file; every other accessor checks the bytes it reads, so that no
 * input makes this class throw anything but {@link MalformedException}. Not thread-safe
 * (the buffer's position is never used, but its slices are shared).
 */
public final class Elf {
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int EM_X86_64 = 62;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;
    static final long DT_STRTAB = 5;
    static final long DT_STRSZ = 10;
    static final long DT_SONAME = 14;
    static final long DT_RPATH = 15;
    static final long DT_RUNPATH = 29;
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int SHDR = 64;
    private static final int SHN_XINDEX = 0xffff;

    /** A program header. Offsets and sizes are as stored (unsigned values above 2^63 are negative). */
    public record Segment(int type, long offset, long fileSize, long vaddr, long memSize, long align) {}

    /** A section header, with its name from the section-name string table. */
    public record Section(String name, int type, long offset, long size, int link) {}

    /** An ELF note: its owner (without the terminating NUL), type, and descriptor bytes. */
    public record Note(String owner, int type, byte[] descriptor) {}

    /**
     * What the dynamic loader reads from {@code PT_DYNAMIC}.
     *
     * @param needed the {@code DT_NEEDED} names, in order
     * @param soname the {@code DT_SONAME}, if any
     * @param rpath the {@code DT_RPATH} string (colon-separated), if any
     * @param runpath the {@code DT_RUNPATH} string (colon-separated), if any
     */
    public record Dynamic(List<String> needed, Optional<String> soname, Optional<String> rpath, Optional<String> runpath) {
        public Dynamic {
            needed = List.copyOf(needed);
        }

        static final Dynamic NONE = new Dynamic(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private final ByteBuffer data;
    private final int type;
    private final int machine;
    private final List<Segment> segments;
    private final List<Section> sections;

    private Elf(ByteBuffer data, int type, int machine, List<Segment> segments, List<Section> sections) {
        this.data = data;
        this.type = type;
        this.machine = machine;
        this.segments = segments;
        this.sections = sections;
    }

    /** Whether {@code file} starts with the ELF magic (it may still be malformed). */
    public static boolean isElf(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) < 4) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(4);
            while (magic.hasRemaining() && ch.read(magic) >= 0) {
                // read the four bytes
            }
            return magic.position() == 4 && magic.getInt(0) == 0x7f454c46;
        }
    }

    /** Maps {@code file} read-only and reads it. */
    public static Elf read(Path file) throws IOException, MalformedException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new MalformedException("larger than 2 GiB (" + ch.size() + " bytes)");
            }
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        }
    }

    /**
     * Reads the headers of the ELF file in {@code bytes} (from position 0 to its limit; the
     * buffer is not modified and must not be modified while the result is used).
     *
     * @throws MalformedException if it is not a 64-bit little-endian ELF file whose program and
     *     section headers lie inside it
     */
    public static Elf read(ByteBuffer bytes) throws MalformedException {
        ByteBuffer d = bytes.duplicate().clear().slice().order(ByteOrder.LITTLE_ENDIAN);
        if (d.limit() < EHDR || d.getInt(0) != 0x464c457f) {
            throw new MalformedException("not an ELF file (no \\x7fELF magic)");
        }
        if (d.get(4) != 2 || d.get(5) != 1) {
            throw new MalformedException("not a 64-bit little-endian ELF file (class " + d.get(4) + ", data " + d.get(5) + ")");
        }
        int type = Short.toUnsignedInt(d.getShort(16));
        int machine = Short.toUnsignedInt(d.getShort(18));
        long phoff = d.getLong(32);
        long shoff = d.getLong(40);
        int phentsize = Short.toUnsignedInt(d.getShort(54));
        int phnum = Short.toUnsignedInt(d.getShort(56));
        int shentsize = Short.toUnsignedInt(d.getShort(58));
        int shnum = Short.toUnsignedInt(d.getShort(60));
        int shstrndx = Short.toUnsignedInt(d.getShort(62));

        List<Segment> segments = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < PHDR) {
                throw new MalformedException("program header size " + phentsize + " is below " + PHDR);
            }
            check(d, phoff, (long) phnum * phentsize, "program headers");
            for (int i = 0; i < phnum; i++) {
                int at = (int) (phoff + (long) i * phentsize);
                segments.add(new Segment(d.getInt(at), d.getLong(at + 8), d.getLong(at + 32), d.getLong(at + 16),
                        d.getLong(at + 40), d.getLong(at + 48)));
            }
        }

        List<Section> sections = new ArrayList<>();
        if (shoff != 0) {
            if (shentsize < SHDR) {
                throw new MalformedException("section header size " + shentsize + " is below " + SHDR);
            }
            check(d, shoff, SHDR, "section header 0");
            long count = shnum;
            if (count == 0) {
                count = d.getLong((int) shoff + 32); // more than 0xff00 sections: the count is in section 0
            }
            if (shstrndx == SHN_XINDEX) {
                shstrndx = d.getInt((int) shoff + 40);
            }
            if (count < 0 || count > d.limit() / SHDR) {
                throw new MalformedException("section count " + Long.toUnsignedString(count) + " does not fit the file");
            }
            check(d, shoff, count * shentsize, "section headers");
            if (count > 0 && (shstrndx < 0 || shstrndx >= count)) {
                throw new MalformedException("section-name table index " + Integer.toUnsignedString(shstrndx)
                        + " is not below the section count " + count);
            }
            long namesOff = 0;
            long namesSize = 0;
            if (count > 0) {
                int namesAt = (int) (shoff + (long) shstrndx * shentsize);
                namesOff = d.getLong(namesAt + 24);
                namesSize = d.getLong(namesAt + 32);
                check(d, namesOff, namesSize, "section-name table");
            }
            for (int i = 0; i < count; i++) {
                int at = (int) (shoff + (long) i * shentsize);
                int name = d.getInt(at);
                int stype = d.getInt(at + 4);
                long off = d.getLong(at + 24);
                long size = d.getLong(at + 32);
                int link = d.getInt(at + 40);
                if (stype != SHT_NOBITS && stype != 0) {
                    check(d, off, size, "section " + i);
                }
                String sname = Integer.toUnsignedLong(name) < namesSize
                        ? cString(d, namesOff + Integer.toUnsignedLong(name), namesOff + namesSize, "section name") : "";
                sections.add(new Section(sname, stype, off, size, link));
            }
        }
        return new Elf(d, type, machine, List.copyOf(segments), List.copyOf(sections));
    }

    /** {@code e_type}: {@link #ET_REL}, {@link #ET_EXEC}, {@link #ET_DYN}, ... */
    public int type() {
        return type;
    }

    /** {@code e_machine}: {@link #EM_X86_64} for the files this project reads. */
    public int machine() {
        return machine;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<Section> sections() {
        return sections;
    }

    /** The first section named {@code name}. */
    public Optional<Section> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** A read-only view of a section's bytes (empty for {@code SHT_NOBITS}). */
    public ByteBuffer contents(Section s) {
        if (s.type() == SHT_NOBITS || s.type() == 0) {
            return ByteBuffer.allocate(0);
        }
        return data.slice((int) s.offset(), (int) s.size()).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The program interpreter ({@code PT_INTERP}), e.g. {@code /lib64/ld-linux-x86-64.so.2}. */
    public Optional<String> interpreter() throws MalformedException {
        for (Segment s : segments) {
            if (s.type() == PT_INTERP) {
                check(data, s.offset(), s.fileSize(), "PT_INTERP");
                return Optional.of(cString(data, s.offset(), s.offset() + s.fileSize(), "PT_INTERP"));
            }
        }
        return Optional.empty();
    }

    /**
     * The notes of the {@code PT_NOTE} segments, as a loader (QEMU's PVH boot, Xen) reads them;
     * for a file without program headers (a relocatable module), those of its
     * {@code SHT_NOTE} sections.
     */
    public List<Note> notes() throws MalformedException {
        List<Note> notes = new ArrayList<>();
        boolean fromSegments = !segments.isEmpty();
        if (fromSegments) {
            for (Segment s : segments) {
                if (s.type() == PT_NOTE) {
                    check(data, s.offset(), s.fileSize(), "PT_NOTE");
                    readNotes(s.offset(), s.fileSize(), s.align() == 8 ? 8 : 4, notes);
                }
            }
        } else {
            for (Section s : sections) {
                if (s.type() == SHT_NOTE) {
                    readNotes(s.offset(), s.size(), 4, notes);
                }
            }
        }
        return notes;
    }

    private void readNotes(long offset, long size, int align, List<Note> into) throws MalformedException {
        long at = offset;
        long end = offset + size;
        while (end - at >= 12) {
            long namesz = Integer.toUnsignedLong(data.getInt((int) at));
            long descsz = Integer.toUnsignedLong(data.getInt((int) at + 4));
            int ntype = data.getInt((int) at + 8);
            long nameAt = at + 12;
            long descAt = nameAt + pad(namesz, align);
            long next = descAt + pad(descsz, align);
            if (namesz > end - nameAt || descAt > end || descsz > end - descAt) {
                throw new MalformedException("a note at offset " + at + " runs past the end of its segment");
            }
            byte[] name = new byte[(int) namesz];
            data.get((int) nameAt, name);
            int len = name.length > 0 && name[name.length - 1] == 0 ? name.length - 1 : name.length;
            byte[] desc = new byte[(int) descsz];
            data.get((int) descAt, desc);
            into.add(new Note(new String(name, 0, len, StandardCharsets.ISO_8859_1), ntype, desc));
            at = Math.min(next, end);
        }
    }

    private static long pad(long n, int align) {
        return (n + align - 1) & -align;
    }

    /** The dynamic section's loader entries; {@link Dynamic#NONE}-like for a file without one. */
    public Dynamic dynamic() throws MalformedException {
        Segment dyn = null;
        for (Segment s : segments) {
            if (s.type() == PT_DYNAMIC) {
                dyn = s;
                break;
            }
        }
        if (dyn == null) {
            return Dynamic.NONE;
        }
        check(data, dyn.offset(), dyn.fileSize(), "PT_DYNAMIC");
        long strtab = -1;
        long strsz = -1;
        List<Long> needed = new ArrayList<>();
        long soname = -1;
        long rpath = -1;
        long runpath = -1;
        for (long at = dyn.offset(); at + 16 <= dyn.offset() + dyn.fileSize(); at += 16) {
            long tag = data.getLong((int) at);
            long val = data.getLong((int) at + 8);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                needed.add(val);
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_SONAME) {
                soname = val;
            } else if (tag == DT_RPATH) {
                rpath = val;
            } else if (tag == DT_RUNPATH) {
                runpath = val;
            }
        }
        if (needed.isEmpty() && soname < 0 && rpath < 0 && runpath < 0) {
            return Dynamic.NONE;
        }
        if (strtab == -1 || strsz < 0) {
            throw new MalformedException("the dynamic section has names but no DT_STRTAB/DT_STRSZ");
        }
        long tableAt = fileOffset(strtab);
        check(data, tableAt, strsz, "DT_STRTAB");
        List<String> names = new ArrayList<>();
        for (long n : needed) {
            names.add(dynString(tableAt, strsz, n));
        }
        return new Dynamic(names, optional(tableAt, strsz, soname), optional(tableAt, strsz, rpath),
                optional(tableAt, strsz, runpath));
    }

    private Optional<String> optional(long tableAt, long strsz, long index) throws MalformedException {
        return index < 0 ? Optional.empty() : Optional.of(dynString(tableAt, strsz, index));
    }

    private String dynString(long tableAt, long strsz, long index) throws MalformedException {
        if (index < 0 || index >= strsz) {
            throw new MalformedException("dynamic string index " + Long.toUnsignedString(index) + " is outside DT_STRTAB");
        }
        return cString(data, tableAt + index, tableAt + strsz, "dynamic string");
    }

    /** The file offset of virtual address {@code vaddr}, through the {@code PT_LOAD} segment holding it. */
    private long fileOffset(long vaddr) throws MalformedException {
        for (Segment s : segments) {
            if (s.type() == PT_LOAD && Long.compareUnsigned(vaddr, s.vaddr()) >= 0
                    && Long.compareUnsigned(vaddr - s.vaddr(), s.fileSize()) < 0) {
                return s.offset() + (vaddr - s.vaddr());
            }
        }
        throw new MalformedException("address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private static void check(ByteBuffer d, long offset, long length, String what) throws MalformedException {
        if (offset < 0 || length < 0 || offset > d.limit() || length > d.limit() - offset) {
            throw new MalformedException(what + " (offset " + Long.toUnsignedString(offset) + ", "
                    + Long.toUnsignedString(length) + " bytes) lie outside the file of " + d.limit() + " bytes");
        }
    }

    /** The NUL-terminated string at {@code from}, which must end before {@code limit}. */
    private static String cString(ByteBuffer d, long from, long limit, String what) throws MalformedException {
        long end = Math.min(limit, d.limit());
        for (long i = from; i < end; i++) {
            if (d.get((int) i) == 0) {
                byte[] b = new byte[(int) (i - from)];
                d.get((int) from, b);
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw new MalformedException(what + " at offset " + from + " is not NUL-terminated");
    }
}
