package mirage.link.internal.reach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NativeStringsTest {
    private static final Set<String> KNOWN = Set.of("java/lang/Object", "java/io/IOException", "a/B$C");

    @Test
    void class_names_in_internal_descriptor_and_binary_form_are_found_among_other_bytes() {
        byte[] bytes = ("\u0001\u0002java/io/IOException\u0000(Ljava/lang/Object;)V\u0000%s: a.B$C\u0000"
                + "java/lang/Missing\u0000run\u0000<init>").getBytes(StandardCharsets.ISO_8859_1);
        Program.NativeLibrary lib = NativeStrings.scan(bytes).library("x", KNOWN);
        assertEquals(Set.of("java/io/IOException", "java/lang/Object", "a/B$C"), lib.classNames());
        assertTrue(lib.memberNames().containsAll(Set.of("run", "<init>")));
        assertEquals("x", lib.name());
    }

    @Test
    void a_library_without_a_symbol_table_offers_every_identifier() {
        assertNull(NativeStrings.symbolTable("\u0000initPhase1\u0000".getBytes(StandardCharsets.ISO_8859_1)),
                "a handful of names is no table");
    }

    /** The JDK this runs on: its libjvm names the JVM's well-known classes and holds its symbol table. */
    @Test
    void hotspot_names_its_well_known_classes_and_the_methods_it_calls() throws Exception {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        byte[] bytes = Files.readAllBytes(libjvm);
        Set<String> wellKnown = Set.of("java/lang/Object", "java/lang/String", "java/lang/Thread",
                "java/lang/ref/Finalizer", "jdk/internal/misc/UnsafeConstants", "java/lang/invoke/MethodHandleNatives",
                "jdk/internal/vm/Continuation", "java/lang/StackTraceElement", "jdk/internal/vm/FillerObject");
        Program.NativeLibrary lib = NativeStrings.scan(bytes).library("jvm", wellKnown);
        assertEquals(wellKnown, lib.classNames());
        Set<String> table = NativeStrings.symbolTable(bytes);
        assertNotNull(table);
        assertTrue(table.containsAll(Set.of("initPhase1", "initPhase3", "run", "loadClass", "<init>", "<clinit>",
                "dispatchUncaughtException", "linkCallSite")), "the symbol table");
        assertFalse(table.contains("getLogger"), "a method the JVM never calls is not in the table");
        assertEquals(table.size() + (table.contains("<init>") ? 0 : 1), lib.memberNames().size(),
                "libjvm offers its table's names only");
    }
}
