package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElfTest {
    /** The JVM running this test: a real dynamically linked executable. */
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @Test
    void the_java_launcher_needs_libjli_and_libc_and_names_its_interpreter() throws Exception {
        Elf elf = Elf.read(JAVA);
        assertEquals(Elf.ET_DYN, elf.type());
        assertEquals(Elf.EM_X86_64, elf.machine());
        assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"), elf.interpreter());
        Elf.Dynamic d = elf.dynamic();
        assertTrue(d.needed().contains("libjli.so"), d.toString());
        assertTrue(d.needed().contains("libc.so.6"), d.toString());
        String path = d.runpath().or(d::rpath).orElseThrow();
        assertTrue(path.contains("$ORIGIN"), path);
        assertTrue(elf.section(".dynstr").isPresent());
    }

    @Test
    void notes_sections_and_the_dynamic_section_of_a_built_file_read_back() throws Exception {
        byte[] bytes = TestElf.sharedObject().note("Xen", 18, new byte[] {1, 2, 3, 4, 5}).note("GNU", 3, new byte[20])
                .section(".modinfo", "a=b\0".getBytes()).needs("libc.so.6", "libm.so.6").soname("libx.so.1")
                .runpath("$ORIGIN/../lib").interpreter("/lib64/ld.so").build();
        Elf elf = Elf.read(ByteBuffer.wrap(bytes));
        List<Elf.Note> notes = elf.notes();
        assertEquals(2, notes.size());
        assertEquals("Xen", notes.get(0).owner());
        assertEquals(18, notes.get(0).type());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, notes.get(0).descriptor());
        assertEquals("GNU", notes.get(1).owner());
        assertEquals(new Elf.Dynamic(List.of("libc.so.6", "libm.so.6"), Optional.of("libx.so.1"), Optional.empty(),
                Optional.of("$ORIGIN/../lib")), elf.dynamic());
        assertEquals(Optional.of("/lib64/ld.so"), elf.interpreter());
        ByteBuffer modinfo = elf.contents(elf.section(".modinfo").orElseThrow());
        assertEquals('a', modinfo.get(0));
    }

    @Test
    void a_file_that_is_not_elf64_little_endian_is_refused_with_the_reason() {
        MalformedException e = assertThrows(MalformedException.class, () -> Elf.read(ByteBuffer.wrap("#!/bin/sh\n".getBytes())));
        assertEquals("not an ELF file (no \\x7fELF magic)", e.getMessage());
        byte[] elf32 = TestElf.executable().build();
        elf32[4] = 1;
        e = assertThrows(MalformedException.class, () -> Elf.read(ByteBuffer.wrap(elf32)));
        assertEquals("not a 64-bit little-endian ELF file (class 1, data 1)", e.getMessage());
    }

    @Test
    void program_headers_past_the_end_are_refused() {
        byte[] bytes = TestElf.executable().pvh().build();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(32, bytes.length - 10);
        MalformedException e = assertThrows(MalformedException.class, () -> Elf.read(ByteBuffer.wrap(bytes)));
        assertTrue(e.getMessage().startsWith("program headers (offset "), e.getMessage());
    }

    @Test
    void a_note_that_overruns_its_segment_is_refused() throws Exception {
        byte[] bytes = TestElf.executable().pvh().build();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4096 + 4, 1000); // descsz
        Elf elf = Elf.read(ByteBuffer.wrap(bytes));
        MalformedException e = assertThrows(MalformedException.class, elf::notes);
        assertTrue(e.getMessage().contains("runs past the end of its segment"), e.getMessage());
    }

    @Test
    void a_dynamic_string_index_outside_the_table_is_refused() throws Exception {
        byte[] bytes = TestElf.sharedObject().needs("libc.so.6").build();
        Elf elf = Elf.read(ByteBuffer.wrap(bytes));
        Elf.Segment dyn = elf.segments().stream().filter(s -> s.type() == Elf.PT_DYNAMIC).findFirst().orElseThrow();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong((int) dyn.offset() + 8, 1 << 20);
        MalformedException e = assertThrows(MalformedException.class, () -> Elf.read(ByteBuffer.wrap(bytes)).dynamic());
        assertTrue(e.getMessage().contains("outside DT_STRTAB"), e.getMessage());
    }

    /** Every accessor of an ELF file with one byte changed or cut short throws MalformedException or nothing. */
    @Test
    void no_damaged_file_makes_a_reader_throw_anything_else() {
        byte[] good = TestElf.sharedObject().pvh().section(".modinfo", "name=x\0".getBytes()).needs("libc.so.6")
                .runpath("$ORIGIN").interpreter("/lib64/ld.so").build();
        qt().forAll(integers().between(0, good.length - 1), integers().between(0, 255), integers().between(1, good.length))
                .checkAssert((at, value, length) -> {
                    byte[] bad = java.util.Arrays.copyOf(good, length);
                    if (at < length) {
                        bad[at] = (byte) (int) value;
                    }
                    ElfFuzzTest.readEverything(bad);
                });
    }
}
