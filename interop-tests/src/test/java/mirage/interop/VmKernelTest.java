package mirage.interop;

import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kernel=PATH} and {@code --kernel-modules=DIR}, and the build's refusal of a kernel
 * the image cannot boot on: made here from Debian's cloud kernel (which a first virtio build
 * downloads into the cache), a vmlinux with its PVH note removed, a configuration without
 * virtio_pci, a modules directory without virtio_blk. No VM boots here.
 */
class VmKernelTest {
    @TempDir
    static Path work;
    /** Debian's unpacked package in the cache: boot/vmlinuz-RELEASE, boot/config-RELEASE, lib/modules/RELEASE. */
    static Path pkg;
    static String release;

    @BeforeAll
    static void debianKernel() throws IOException {
        Mirage.markLibrariesBuilt();
        Path hello = Mirage.copyExample("hello", work.resolve("fetch"));
        Mirage.Result r = mirage("build", hello.toString(), "-t", "virtio");
        assertEquals(0, r.exit(), r.err());
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("mirage/kernels");
        try (Stream<Path> s = Files.walk(cache, 4)) {
            Path vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().toList().getLast();
            pkg = vmlinuz.getParent().getParent();
            release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
        }
    }

    private static Path diskcheck(String name) throws IOException {
        Path uk = work.resolve(name);
        Mirage.copyTree(VmDiskTest.DISKCHECK, uk);
        return uk;
    }

    /**
     * The unikernel's build output: one line on standard error after the progress lines (steps
     * and their indented details), exit 1.
     */
    private static String refusal(Mirage.Result r) {
        assertEquals(1, r.exit(), r.out() + r.err());
        String last = r.errLines().getLast();
        assertTrue(r.errLines().stream().filter(l -> !l.startsWith("mirage: [") && !l.startsWith("mirage:     ")).count() == 1,
                r.err());
        return last;
    }

    @Test
    void a_bzimage_with_its_configuration_beside_it_and_a_modules_directory_is_taken_and_remembered() throws IOException {
        Path uk = diskcheck("given");
        Path vmlinuz = pkg.resolve("boot/vmlinuz-" + release);
        Path modules = pkg.resolve("lib/modules/" + release);
        Mirage.Result r = mirage("build", uk.toString(), "-t", "virtio", "--kernel=" + vmlinuz, "--kernel-modules=" + modules);
        assertEquals(0, r.exit(), r.err());
        assertEquals("kernel=" + vmlinuz + "\nkernel-modules=" + modules + "\n", Files.readString(uk.resolve("_build/kernel")));
        Mirage.Result again = mirage("build", uk.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("packing the microVM: kernel " + release), again.err());
        assertTrue(!again.err().contains("downloading"), again.err());
    }

    @Test
    void a_kernel_without_a_pvh_entry_is_refused_in_one_line() throws IOException {
        byte[] vmlinux = Files.readAllBytes(pkg.resolveSibling("vmlinux"));
        // the note: namesz 4, descsz 8, type 18 (XEN_ELFNOTE_PHYS32_ENTRY), "Xen\0"; make its type 0x7f
        byte[] note = {4, 0, 0, 0, 8, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0};
        int at = indexOf(vmlinux, note);
        assertTrue(at > 0, "Debian's kernel has a PVH note");
        ByteBuffer.wrap(vmlinux).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 8, 0x7f);
        Path nopvh = Files.write(work.resolve("vmlinux-nopvh"), vmlinux);
        Path hello = Mirage.copyExample("hello", work.resolve("nopvh"));
        String line = refusal(mirage("build", hello.toString(), "-t", "virtio", "--kernel=" + nopvh));
        assertEquals("mirage: the kernel (--kernel=" + nopvh + ") has no PVH entry point (no ELF note XEN_ELFNOTE_PHYS32_ENTRY;"
                + " build it with CONFIG_PVH=y)", line);
    }

    @Test
    void a_kernel_configured_without_virtio_pci_is_refused_in_one_line() throws IOException {
        Path dir = Files.createDirectories(work.resolve("novirtio"));
        Path vmlinuz = Files.copy(pkg.resolve("boot/vmlinuz-" + release), dir.resolve("vmlinuz-" + release));
        String config = Files.readString(pkg.resolve("boot/config-" + release));
        assertTrue(config.contains("CONFIG_VIRTIO_PCI=m\n"));
        Files.writeString(dir.resolve("config-" + release), config.replace("CONFIG_VIRTIO_PCI=m\n", "# CONFIG_VIRTIO_PCI is not set\n"));
        String line = refusal(mirage("build", diskcheck("novirtio").toString(), "-t", "virtio", "--kernel=" + vmlinuz,
                "--kernel-modules=" + pkg.resolve("lib/modules/" + release)));
        assertEquals("mirage: the kernel (--kernel=" + vmlinuz + ") lacks virtio_pci (virtio devices on PCI, as QEMU gives them):"
                + " CONFIG_VIRTIO_PCI is not set in " + dir.resolve("config-" + release), line);
    }

    @Test
    void a_modules_directory_without_virtio_blk_is_refused_in_one_line() throws IOException {
        Path modules = work.resolve("modules-no-blk");
        Path from = pkg.resolve("lib/modules/" + release + "/kernel/drivers/virtio");
        Mirage.copyTree(from, modules.resolve("kernel/drivers/virtio"));
        Path vmlinuz = pkg.resolve("boot/vmlinuz-" + release);
        String line = refusal(mirage("build", diskcheck("noblk").toString(), "-t", "virtio", "--kernel=" + vmlinuz,
                "--kernel-modules=" + modules));
        assertEquals("mirage: the kernel (--kernel=" + vmlinuz + ") has virtio_blk (virtio disks) as a module (CONFIG_VIRTIO_BLK=m in "
                + pkg.resolve("boot/config-" + release) + ") but " + modules + " has no virtio_blk.ko", line);
    }

    @Test
    void kernel_options_are_for_the_virtio_target_only() throws IOException {
        Path hello = Mirage.copyExample("hello", work.resolve("solo5"));
        Mirage.Result r = mirage("build", hello.toString(), "--kernel=/boot/vmlinuz");
        assertEquals(1, r.exit());
        assertEquals("mirage: --kernel is for the virtio target (-t virtio)", r.errLines().getLast());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
