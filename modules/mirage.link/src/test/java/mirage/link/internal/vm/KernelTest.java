package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import mirage.link.internal.LinkException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelTest {
    static final String RELEASE = "6.1.0-57-cloud-amd64";
    static final String CONFIG = """
            CONFIG_PVH=y
            CONFIG_DEVTMPFS=y
            CONFIG_VIRTIO=m
            CONFIG_VIRTIO_PCI=m
            CONFIG_VIRTIO_NET=m
            CONFIG_VIRTIO_BLK=m
            CONFIG_VIRTIO_MMIO=m
            CONFIG_PACKET=y
            """;
    static final Kernel.Needs NONE = new Kernel.Needs(false, false);
    static final Kernel.Needs NET = new Kernel.Needs(true, false);
    static final Kernel.Needs BLOCK = new Kernel.Needs(false, true);

    @TempDir
    Path dir;
    KernelModulesTest modules;

    @BeforeEach
    void modules() throws Exception {
        modules = new KernelModulesTest();
        modules.dir = Files.createDirectory(dir.resolve("modules"));
        modules.debianVirtio();
        modules.module("drivers/virtio", "virtio_mmio.ko", "virtio_mmio", "virtio_ring,virtio");
    }

    /** A vmlinux-like ELF: optionally a PVH note, the banner and its format string, and extra bytes. */
    static byte[] vmlinux(boolean pvh, byte[] extra) {
        return vmlinux(pvh, extra, true);
    }

    static byte[] vmlinux(boolean pvh, byte[] extra, boolean devtmpfs) {
        TestElf e = TestElf.executable();
        if (pvh) {
            e.pvh();
        }
        e.note("Xen", 6, "linux\0".getBytes(StandardCharsets.US_ASCII));
        e.section(".rodata", ("Linux version %s (%s)\0Linux version " + RELEASE + " (debian-kernel@lists.debian.org)\0"
                + (devtmpfs ? "devtmpfs\0" : "")).getBytes(StandardCharsets.US_ASCII));
        e.section(".data", extra);
        return e.build();
    }

    Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    Kernel kernel(boolean pvh, String config, boolean withModules) throws Exception {
        Path file = write("vmlinux", vmlinux(pvh, new byte[0]));
        Optional<Path> cfg = config == null ? Optional.empty() : Optional.of(write("config", config.getBytes()));
        return Kernel.read("test kernel", file, cfg, withModules ? Optional.of(modules.dir) : Optional.empty());
    }

    private static List<String> names(List<KernelModules.Module> ms) {
        return ms.stream().map(KernelModules.Module::name).toList();
    }

    @Test
    void the_release_is_read_from_the_banner_not_its_format_string() throws Exception {
        assertEquals(Optional.of(RELEASE), kernel(true, CONFIG, false).release());
    }

    @Test
    void a_kernel_without_a_pvh_note_is_refused_whatever_the_image_needs() throws Exception {
        Kernel k = kernel(false, CONFIG, true);
        assertFalse(k.hasPvhEntry());
        LinkException e = assertThrows(LinkException.class, () -> k.check(NONE));
        assertEquals("the kernel (test kernel) has no PVH entry point (no ELF note XEN_ELFNOTE_PHYS32_ENTRY;"
                + " build it with CONFIG_PVH=y)", e.getMessage());
    }

    @Test
    void an_image_without_devices_needs_no_module() throws Exception {
        assertEquals(List.of(), kernel(true, CONFIG, false).check(NONE));
    }

    @Test
    void a_network_image_loads_virtio_net_after_its_dependencies_and_virtio_mmio_for_firecracker() throws Exception {
        assertEquals(List.of("virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
                "failover", "net_failover", "virtio_net", "virtio_mmio"), names(kernel(true, CONFIG, true).check(NET)));
    }

    @Test
    void built_in_drivers_are_not_loaded() throws Exception {
        String builtIn = CONFIG.replace("=m", "=y");
        assertEquals(List.of(), kernel(true, builtIn, false).check(new Kernel.Needs(true, true)));
    }

    @Test
    void a_module_the_configuration_promises_but_the_directory_lacks_is_refused() throws Exception {
        Files.delete(modules.dir.resolve("kernel/drivers/block/virtio_blk.ko"));
        LinkException e = assertThrows(LinkException.class, () -> kernel(true, CONFIG, true).check(BLOCK));
        assertEquals("the kernel (test kernel) has virtio_blk (virtio disks) as a module (CONFIG_VIRTIO_BLK=m in "
                + dir.resolve("config") + ") but " + modules.dir + " has no virtio_blk.ko", e.getMessage());
    }

    @Test
    void a_kernel_without_virtio_net_or_af_packet_is_refused_naming_the_option() throws Exception {
        LinkException e = assertThrows(LinkException.class,
                () -> kernel(true, CONFIG.replace("CONFIG_VIRTIO_NET=m", "# CONFIG_VIRTIO_NET is not set"), true).check(NET));
        assertEquals("the kernel (test kernel) lacks virtio_net (virtio network cards): CONFIG_VIRTIO_NET is not set in "
                + dir.resolve("config"), e.getMessage());
        e = assertThrows(LinkException.class, () -> kernel(true, CONFIG.replace("CONFIG_PACKET=y\n", ""), true).check(NET));
        assertTrue(e.getMessage().contains("lacks AF_PACKET (raw sockets on the guest's network cards): CONFIG_PACKET is not set"),
                e.getMessage());
        e = assertThrows(LinkException.class, () -> kernel(true, CONFIG.replace("CONFIG_DEVTMPFS=y", ""), true).check(BLOCK));
        assertTrue(e.getMessage().contains("lacks devtmpfs"), e.getMessage());
    }

    @Test
    void a_module_configured_but_no_modules_directory_asks_for_one() throws Exception {
        LinkException e = assertThrows(LinkException.class, () -> kernel(true, CONFIG, false).check(BLOCK));
        assertTrue(e.getMessage().endsWith("but no modules directory was found: give --kernel-modules=DIR"), e.getMessage());
    }

    @Test
    void without_a_configuration_the_modules_directory_decides_and_otherwise_the_kernel_is_refused() throws Exception {
        Files.writeString(modules.dir.resolve("modules.builtin"), "kernel/net/packet/af_packet.ko\n");
        assertEquals("virtio_net", names(kernel(true, null, true).check(NET)).get(7));
        LinkException e = assertThrows(LinkException.class, () -> kernel(true, null, false).check(BLOCK));
        assertEquals("the kernel (test kernel) cannot be checked for virtio: no configuration found"
                + " (CONFIG_IKCONFIG, config-" + RELEASE + " or .config beside it)", e.getMessage());
        Path file = write("vmlinux", vmlinux(true, new byte[0], false));
        e = assertThrows(LinkException.class, () -> Kernel.read("t", file, Optional.empty(), Optional.of(modules.dir)).check(BLOCK));
        assertTrue(e.getMessage().startsWith("the kernel (t) cannot be checked for devtmpfs (the guest's /dev)"), e.getMessage());
    }

    @Test
    void modules_built_for_another_release_are_refused() throws Exception {
        modules.module("drivers/block", "virtio_blk.ko", "virtio_blk", "virtio_ring,virtio");
        Path ko = modules.dir.resolve("kernel/drivers/block/virtio_blk.ko");
        byte[] other = TestElf.module("depends=virtio_ring,virtio\nname=virtio_blk\nvermagic=5.10.0-1-amd64 SMP\n").build();
        Files.write(ko, other);
        LinkException e = assertThrows(LinkException.class, () -> kernel(true, CONFIG, true).check(BLOCK));
        assertEquals("the kernel (test kernel) is release " + RELEASE + " but module virtio_blk in " + modules.dir
                + " was built for 5.10.0-1-amd64", e.getMessage());
    }

    @Test
    void the_configuration_is_found_beside_the_kernel_or_inside_it() throws Exception {
        Path file = write("vmlinuz-" + RELEASE, vmlinux(true, new byte[0]));
        write("config-" + RELEASE, CONFIG.getBytes());
        Kernel beside = Kernel.read("test", file, Optional.empty(), Optional.of(modules.dir));
        assertEquals(dir.resolve("config-" + RELEASE).toString(), beside.config().orElseThrow().source());

        ByteArrayOutputStream ik = new ByteArrayOutputStream();
        ik.writeBytes("IKCFG_ST".getBytes(StandardCharsets.US_ASCII));
        try (GZIPOutputStream gz = new GZIPOutputStream(ik)) {
            gz.write(CONFIG.replace("CONFIG_VIRTIO_BLK=m", "CONFIG_VIRTIO_BLK=y").getBytes());
        }
        ik.writeBytes("IKCFG_ED".getBytes(StandardCharsets.US_ASCII));
        Path inside = Files.createDirectory(dir.resolve("other")).resolve("vmlinux");
        Files.write(inside, vmlinux(true, ik.toByteArray()));
        Kernel k = Kernel.read("test", inside, Optional.empty(), Optional.empty());
        assertEquals(KernelConfig.State.BUILT_IN, k.config().orElseThrow().state("VIRTIO_BLK"));
        assertEquals(KernelConfig.State.MODULE, k.config().orElseThrow().state("VIRTIO"));
        assertEquals(KernelConfig.State.OFF, k.config().orElseThrow().state("NOPE"));
    }

    @Test
    void a_file_that_is_no_kernel_is_refused_in_one_line() throws Exception {
        Path f = write("junk", "not a kernel at all".getBytes());
        LinkException e = assertThrows(LinkException.class, () -> Kernel.read("--kernel=junk", f, Optional.empty(), Optional.empty()));
        assertEquals("the kernel " + f + " (--kernel=junk) cannot be used: neither an ELF vmlinux nor a bzImage"
                + " (no \"HdrS\" setup header at 0x202)", e.getMessage());
        Path lib = write("lib", TestElf.sharedObject().needs("libc.so.6").build());
        e = assertThrows(LinkException.class, () -> Kernel.read("x", lib, Optional.empty(), Optional.empty()));
        assertTrue(e.getMessage().endsWith("not an x86-64 executable (ELF machine 62, type 3)"), e.getMessage());
    }
}
