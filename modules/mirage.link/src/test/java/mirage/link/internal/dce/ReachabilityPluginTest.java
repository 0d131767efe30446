package mirage.link.internal.dce;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.tools.jlink.internal.ResourcePoolManager;
import jdk.tools.jlink.plugin.ResourcePool;
import jdk.tools.jlink.plugin.ResourcePoolEntry;
import mirage.link.internal.reach.KeepRules;
import org.junit.jupiter.api.Test;

/**
 * The plugin on an in-memory resource pool (as OpenJDK tests its jlink plugins): it removes what
 * nothing reaches, passes every other entry through untouched, removes nothing more when run on
 * its own output, and gives the same output for the same pool.
 */
class ReachabilityPluginTest {
    private static final ClassDesc MAIN = ClassDesc.of("t.Main");
    private static final ClassDesc USED = ClassDesc.of("t.Used");

    /** Module t: Main calls Used; Unused and t.other.Lonely are reached by nothing; a native library. */
    private static ResourcePool pool() {
        ResourcePoolManager pool = new ResourcePoolManager();
        ModuleDescriptor d = ModuleDescriptor.newModule("t").packages(Set.of("t", "t.other")).mainClass("t.Main").build();
        pool.add(ResourcePoolEntry.create("/t/module-info.class", LinkableModules.moduleInfo(d)));
        pool.add(ResourcePoolEntry.create("/t/t/Main.class", ClassFile.of().build(MAIN, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC);
            cb.withMethodBody("main", MethodTypeDesc.of(CD_void, CD_String.arrayType()),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> code
                            .new_(USED).dup().invokespecial(USED, INIT_NAME, MTD_void)
                            .invokevirtual(USED, "run", MTD_void)
                            .return_());
        })));
        pool.add(ResourcePoolEntry.create("/t/t/Used.class", simpleClass(USED)));
        pool.add(ResourcePoolEntry.create("/t/t/Unused.class", simpleClass(ClassDesc.of("t.Unused"))));
        pool.add(ResourcePoolEntry.create("/t/t/other/Lonely.class", simpleClass(ClassDesc.of("t.other.Lonely"))));
        pool.add(ResourcePoolEntry.create("/t/t/other/Lonelier.class", simpleClass(ClassDesc.of("t.other.Lonelier"))));
        pool.add(ResourcePoolEntry.create("/t/t/data.txt", new byte[] {1, 2, 3}));
        pool.add(ResourcePoolEntry.create("/t/lib/libfoo.so", ResourcePoolEntry.Type.NATIVE_LIB, new byte[] {4}));
        return pool.resourcePool();
    }

    private static byte[] simpleClass(ClassDesc self) {
        return ClassFile.of().build(self, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC);
            cb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                    code -> code.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            cb.withMethodBody("run", MTD_void, ClassFile.ACC_PUBLIC, code -> code.return_());
            // padding: a longer name makes a larger class file, so Lonely stays the smaller of its package
            if (self.displayName().equals("Lonelier")) {
                cb.withMethodBody("aLongerMethodNameThatMakesThisClassFileLarger", MTD_void, ClassFile.ACC_PUBLIC,
                        code -> code.return_());
            }
        });
    }

    private static ResourcePool transform(ResourcePool in, String rules) throws Exception {
        ReachabilityPlugin plugin = new ReachabilityPlugin();
        plugin.configure(List.of(KeepRules.parse("t", "t.keep", rules)));
        return plugin.transform(in, new ResourcePoolManager().resourcePoolBuilder());
    }

    private static Map<String, byte[]> entries(ResourcePool pool) {
        Map<String, byte[]> out = new TreeMap<>();
        pool.entries().forEach(e -> out.put(e.path(), e.contentBytes()));
        return out;
    }

    @Test
    void what_nothing_reaches_is_removed_and_every_other_entry_passes_untouched() throws Exception {
        ResourcePool in = pool();
        ResourcePool out = transform(in, "");
        Map<String, byte[]> before = entries(in);
        Map<String, byte[]> after = entries(out);
        assertEquals(Set.of("/t/module-info.class", "/t/t/Main.class", "/t/t/Used.class", "/t/t/other/Lonely.class",
                "/t/t/data.txt", "/t/lib/libfoo.so"), after.keySet());
        after.forEach((path, bytes) -> assertArrayEquals(before.get(path), bytes, path + " is untouched"));
    }

    @Test
    void a_package_keeps_its_smallest_class_when_nothing_else_of_it_stays() throws Exception {
        Map<String, byte[]> after = entries(transform(pool(), ""));
        assertTrue(after.containsKey("/t/t/other/Lonely.class"), "jlink requires the descriptor's packages in the image");
        assertTrue(!after.containsKey("/t/t/other/Lonelier.class"));
    }

    @Test
    void removal_is_idempotent_and_deterministic() throws Exception {
        ResourcePool once = transform(pool(), "");
        Map<String, byte[]> twice = entries(transform(once, ""));
        Map<String, byte[]> onceEntries = entries(once);
        assertEquals(onceEntries.keySet(), twice.keySet());
        twice.forEach((path, bytes) -> assertArrayEquals(onceEntries.get(path), bytes, path));
        List<String> order1 = transform(pool(), "").entries().map(ResourcePoolEntry::path).toList();
        List<String> order2 = transform(pool(), "").entries().map(ResourcePoolEntry::path).toList();
        assertEquals(order1, order2);
    }

    @Test
    void a_file_rule_drops_the_file_when_its_classes_are_unused_and_keeps_it_otherwise() throws Exception {
        assertTrue(!entries(transform(pool(), "file lib/libfoo.so if t.Unused\n")).containsKey("/t/lib/libfoo.so"));
        assertTrue(entries(transform(pool(), "file lib/libfoo.so if t.Unused t.Used\n")).containsKey("/t/lib/libfoo.so"));
    }

    @Test
    void a_keep_rule_keeps_a_class_nothing_reaches() throws Exception {
        assertTrue(entries(transform(pool(), "keep t.Unused\n")).containsKey("/t/t/Unused.class"));
    }

    /** Configured as jlink configures it: the unikernel's link.keep applies, and the report is written. */
    @Test
    void the_unikernels_own_rules_apply_and_the_report_is_written(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("boot-plan"), "mirage-boot-plan 1\nname\tt\nmodule\tt\n");
        java.nio.file.Files.writeString(dir.resolve(LinkRules.UNIKERNEL_FILE), "# reflection of t's own\nkeep t.Unused\n");
        ReachabilityPlugin plugin = new ReachabilityPlugin();
        plugin.configure(Map.of(ReachabilityPlugin.NAME, dir.toString()));
        ResourcePool out = plugin.transform(pool(), new ResourcePoolManager().resourcePoolBuilder());
        assertTrue(entries(out).containsKey("/t/t/Unused.class"));
        assertEquals(plugin.lastReport(), LinkReport.parse(java.nio.file.Files.readString(dir.resolve(ReachabilityPlugin.REPORT))));
        assertTrue(java.nio.file.Files.readString(dir.resolve(ReachabilityPlugin.KEPT)).contains("t/Unused\tt.keep: keep t.Unused"));
    }

    @Test
    void the_report_counts_each_module_before_and_after() throws Exception {
        ReachabilityPlugin plugin = new ReachabilityPlugin();
        plugin.configure(List.of());
        ResourcePool in = pool();
        plugin.transform(in, new ResourcePoolManager().resourcePoolBuilder());
        long bytesBefore = in.entries().mapToLong(ResourcePoolEntry::contentLength).sum();
        LinkReport.Row row = plugin.lastReport().modules().getFirst();
        assertEquals("t", row.module());
        assertEquals(5, row.classesBefore());
        assertEquals(3, row.classesAfter());
        assertEquals(bytesBefore, row.bytesBefore());
        assertTrue(row.bytesAfter() < row.bytesBefore());
    }
}
