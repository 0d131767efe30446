package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mirage.link.internal.LinkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedLibrariesTest {
    @TempDir
    Path dir;

    private Path file(String rel, byte[] bytes) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    private static List<String> guestPaths(List<SharedLibraries.Placement> ps) {
        return ps.stream().map(SharedLibraries.Placement::guestPath).toList();
    }

    @Test
    void the_java_launcher_needs_the_c_library_and_the_loader_from_the_host_and_libjli_from_the_image() throws Exception {
        Path home = Path.of(System.getProperty("java.home"));
        Path image = dir.resolve("image");
        Files.createDirectories(image.resolve("bin"));
        Files.createDirectories(image.resolve("lib"));
        Files.copy(home.resolve("bin/java"), image.resolve("bin/java"));
        Files.copy(home.resolve("lib/libjli.so"), image.resolve("lib/libjli.so"));
        List<SharedLibraries.Placement> libs = SharedLibraries.resolve(image, SharedLibraries.loaderDirectories(Path.of("/etc/ld.so.conf")));
        List<String> paths = guestPaths(libs);
        assertEquals("/lib64/ld-linux-x86-64.so.2", paths.getFirst(), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.endsWith("/libc.so.6")), paths.toString());
        assertFalse(paths.stream().anyMatch(p -> p.endsWith("libjli.so")), paths.toString());
        for (SharedLibraries.Placement p : libs) {
            assertTrue(p.guestPath().startsWith("/"), p.toString());
            assertTrue(Elf.isElf(p.hostFile()) && !Files.isSymbolicLink(p.hostFile()), p.toString());
        }
    }

    @Test
    void a_name_the_image_provides_by_file_name_or_soname_is_not_taken_from_the_host() throws Exception {
        file("image/bin/app", TestElf.sharedObject().needs("libjvm.so", "libfoo.so.1").build());
        file("image/lib/server/libjvm.so", TestElf.sharedObject().build());
        file("image/lib/libfoo-1.2.so", TestElf.sharedObject().soname("libfoo.so.1").build());
        assertEquals(List.of(), SharedLibraries.resolve(dir.resolve("image"), List.of()));
    }

    @Test
    void runpath_origin_comes_before_the_loader_directories_and_other_machines_are_skipped() throws Exception {
        file("image/bin/app", TestElf.sharedObject().needs("libbar.so").runpath("$ORIGIN/../../host/a").build());
        file("host/a/libbar.so", TestElf.sharedObject().machine(3).build()); // i386: the loader skips it
        Path good = file("host/b/libbar.so", TestElf.sharedObject().needs("libbaz.so").build());
        Path baz = file("host/b/libbaz.so", TestElf.sharedObject().build());
        List<SharedLibraries.Placement> libs = SharedLibraries.resolve(dir.resolve("image"), List.of(dir.resolve("host/b")));
        assertEquals(List.of(new SharedLibraries.Placement(good.toString(), good.toRealPath()),
                new SharedLibraries.Placement(baz.toString(), baz.toRealPath())), libs);

        file("host/a/libbar.so", TestElf.sharedObject().build());
        assertEquals(dir.resolve("host/a/libbar.so").toString(),
                SharedLibraries.resolve(dir.resolve("image"), List.of(dir.resolve("host/b"))).getFirst().guestPath());
    }

    @Test
    void a_library_no_directory_has_is_named_with_the_file_that_needs_it() throws Exception {
        Path app = file("image/bin/app", TestElf.sharedObject().needs("libmissing.so.3").build());
        LinkException e = assertThrows(LinkException.class, () -> SharedLibraries.resolve(dir.resolve("image"), List.of(dir.resolve("x"))));
        assertEquals(app + " needs libmissing.so.3, which none of the loader's directories has (" + dir.resolve("x") + ")", e.getMessage());
    }

    @Test
    void ld_so_conf_directories_come_in_order_with_its_includes_then_the_system_ones() throws Exception {
        file("etc/ld.so.conf", "# comment\ninclude ld.so.conf.d/*.conf\n/opt/first\n".getBytes());
        file("etc/ld.so.conf.d/b.conf", "/opt/b # trailing comment\n".getBytes());
        file("etc/ld.so.conf.d/a.conf", "/opt/a\n\n/lib/x86_64-linux-gnu\n".getBytes());
        file("etc/ld.so.conf.d/README", "/not/a/conf\n".getBytes());
        List<Path> dirs = SharedLibraries.loaderDirectories(dir.resolve("etc/ld.so.conf"));
        assertEquals(List.of(Path.of("/opt/a"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/opt/b"), Path.of("/opt/first")),
                dirs.subList(0, 4));
        assertEquals(SharedLibraries.SYSTEM_DIRECTORIES.subList(1, SharedLibraries.SYSTEM_DIRECTORIES.size()),
                dirs.subList(4, dirs.size()));
    }
}
