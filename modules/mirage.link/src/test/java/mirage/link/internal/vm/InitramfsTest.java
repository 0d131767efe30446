package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {
    @TempDir
    Path dir;

    private Path runtime() throws Exception {
        Path rt = dir.resolve("runtime");
        Files.createDirectories(rt.resolve("bin"));
        Files.createDirectories(rt.resolve("lib/server"));
        Files.writeString(rt.resolve("bin/hello"), "#!/bin/sh\nexec java -m hello\n");
        Files.write(rt.resolve("bin/java"), TestElf.sharedObject().build()).toFile().setExecutable(true);
        Files.write(rt.resolve("lib/server/libjvm.so"), new byte[] {1});
        Files.writeString(rt.resolve("mirage-manifest"), "mirage-manifest 1\n");
        return rt;
    }

    private static String text(Cpio.Entry e) {
        return new String(assertInstanceOf(Cpio.Bytes.class, e).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void the_image_sits_at_the_root_without_its_launcher_script_with_device_nodes_and_the_jvm_arguments() throws Exception {
        Path libc = Files.write(dir.resolve("libc.so.6"), new byte[] {7});
        Cpio cpio = Initramfs.assemble(runtime(), "bin/hello", "hello", List.of(
                new SharedLibraries.Placement("/lib64/ld-linux-x86-64.so.2", libc),
                new SharedLibraries.Placement("/lib/x86_64-linux-gnu/libc.so.6", libc)), List.of(), Optional.empty());
        var e = cpio.entries();
        assertFalse(e.containsKey("bin/hello"), "no shell runs the launcher script: it stays out");
        assertEquals(0755, e.get("bin/java").permissions());
        assertEquals(new Cpio.FileEntry(0644, libc), e.get("lib64/ld-linux-x86-64.so.2"), "the host file's mode");
        assertEquals(new Cpio.Symlink("/lib64/ld-linux-x86-64.so.2"), e.get("lib/x86_64-linux-gnu/libc.so.6"));
        assertEquals(new Cpio.CharDevice(0600, 5, 1), e.get("dev/console"));
        assertEquals(new Cpio.CharDevice(0600, 4, 65), e.get("dev/ttyS1"));
        assertEquals(new Cpio.Directory(0555), e.get("proc"));
        assertEquals("-m hello\n", text(e.get(Initramfs.JAVA_ARGS)));
        assertFalse(e.containsKey(Initramfs.MODULE_ORDER));
        assertTrue(e.keySet().stream().noneMatch(p -> p.endsWith("/sh") || p.startsWith("sbin") || p.equals("init")),
                e.keySet().toString());
    }

    @Test
    void modules_are_stored_under_their_names_and_listed_in_load_order() throws Exception {
        byte[] ko = TestElf.module("name=virtio").build();
        List<KernelModules.Module> mods = List.of(
                new KernelModules.Module("virtio_ring", Path.of("/x/virtio_ring.ko"), ko, List.of(), ""),
                new KernelModules.Module("virtio", Path.of("/x/virtio.ko.gz"), ko, List.of(), ""));
        Cpio cpio = Initramfs.assemble(runtime(), "bin/hello", "hello", List.of(), mods, Optional.empty());
        assertEquals("/mirage/modules/virtio_ring.ko\n/mirage/modules/virtio.ko\n", text(cpio.entries().get(Initramfs.MODULE_ORDER)));
        assertArrayEquals(ko, assertInstanceOf(Cpio.Bytes.class, cpio.entries().get("mirage/modules/virtio.ko")).bytes());
    }

    /** The hook for the AOT step: a cache file goes into the initramfs and onto the JVM's command line. */
    @Test
    void an_aot_cache_is_placed_and_named_before_the_main_module() throws Exception {
        Path aot = Files.write(dir.resolve("train.aot"), new byte[] {42});
        Cpio cpio = Initramfs.assemble(runtime(), "bin/hello", "hello", List.of(), List.of(), Optional.of(aot));
        assertEquals(new Cpio.FileEntry(0644, aot), cpio.entries().get("mirage/hello.aot"));
        assertEquals("-Xlog:aot*=off\n-Xlog:aot*=warning:stderr\n-XX:AOTCache=/mirage/hello.aot\n-m hello\n", text(cpio.entries().get(Initramfs.JAVA_ARGS)));
    }
}
