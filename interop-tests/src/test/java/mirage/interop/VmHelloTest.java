package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/hello as a microVM: {@code ./mirage build -t virtio} packs its image with Debian's
 * cloud kernel (downloaded by the build) into an initramfs whose PID 1 is the JVM; QEMU boots
 * it and the unikernel's exit status comes back through the launcher.
 */
class VmHelloTest {
    @TempDir
    static Path work;
    static Path unikernel;
    static Path image;

    @BeforeAll
    static void build() throws IOException {
        Vm.requireQemu();
        image = Mirage.buildExample("hello", work, "-t", "virtio");
        unikernel = work.resolve("hello");
        assertEquals(unikernel.resolve("_build/image"), image);
    }

    @Test
    void the_image_is_a_kernel_an_initramfs_a_launcher_and_a_firecracker_configuration() throws IOException {
        try (Stream<Path> s = Files.walk(image)) {
            assertEquals(Set.of("bin/hello", "vmlinux", "initramfs.cpio", "firecracker.json"),
                    s.filter(Files::isRegularFile).map(p -> image.relativize(p).toString()).collect(Collectors.toSet()));
        }
        byte[] elf = Files.readAllBytes(image.resolve("vmlinux"));
        assertEquals(0x7f, elf[0]);
        assertEquals('E', elf[1]);
        assertEquals("070701", new String(Files.readAllBytes(image.resolve("initramfs.cpio")), 0, 6, "US-ASCII"));
    }

    @Test
    void its_pid_1_is_the_jvm_and_nothing_else_runs_there() {
        Mirage.Result list = Mirage.exec(List.of("sh", "-c", "cpio -t --quiet < " + image.resolve("initramfs.cpio")), Duration.ofMinutes(1));
        org.junit.jupiter.api.Assumptions.assumeTrue(list.exit() == 0, "cpio(1) is not installed");
        List<String> entries = list.out().lines().toList();
        assertTrue(entries.contains("bin/java"), entries.toString());
        assertTrue(entries.stream().noneMatch(e -> e.equals("init") || e.endsWith("/sh") || e.endsWith("busybox") || e.startsWith("sbin")),
                entries.toString());
        for (String e : entries) {
            assertTrue(e.matches("(bin|conf|legal|lib|lib64|dev|proc|mirage|usr/lib/locale)(/.*)?|mirage-boot-plan|mirage-manifest|release|usr|usr/lib"),
                    "unexpected entry " + e);
        }
    }

    @Test
    void it_boots_prints_its_lines_with_the_given_boot_arguments_and_exits_0() {
        Mirage.Result r = Vm.boot(image, "hello", "--count=2", "--hello=vm à");
        assertEquals(new Mirage.Result(0, "vm à\nvm à\n", ""), r);
    }

    @Test
    void help_exits_63_and_a_bad_argument_64_through_the_launcher() {
        Mirage.Result help = Vm.boot(image, "hello", "--help");
        assertEquals(63, help.exit(), help.out() + help.err());
        assertTrue(help.out().startsWith("usage: hello"), help.out());
        Mirage.Result bad = Vm.boot(image, "hello", "--count=many");
        assertEquals(64, bad.exit());
        // the guest has one console: what the process target writes to standard error comes on it too
        assertEquals("hello: malformed value for --count: 'many' is not an integer\n", bad.out());
    }

    @Test
    void mirage_run_boots_the_remembered_target_as_a_microvm() {
        Mirage.Result r = Vm.lf(Mirage.exec(List.of(Mirage.ROOT.resolve("mirage").toString(), "run", unikernel.toString(),
                "--count=1", "--hello=run"), Vm.BOOT_LIMIT));
        assertEquals(new Mirage.Result(0, "run\n", ""), r);
        assertEquals("virtio\n", read(unikernel.resolve("_build/target")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
