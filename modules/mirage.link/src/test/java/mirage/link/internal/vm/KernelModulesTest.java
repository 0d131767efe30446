package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    @TempDir
    Path dir;

    /** Writes a module file with the given {@code .modinfo} lines under {@code dir/kernel/SUB}. */
    Path module(String sub, String file, String name, String depends) throws IOException {
        Path p = dir.resolve("kernel").resolve(sub).resolve(file);
        Files.createDirectories(p.getParent());
        byte[] ko = TestElf.module("license=GPL\ndepends=" + depends + "\nname=" + name
                + "\nvermagic=6.1.0-57-cloud-amd64 SMP preempt mod_unload modversions \n").build();
        if (file.endsWith(".gz")) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(ko);
            }
            ko = gz.toByteArray();
        }
        Files.write(p, ko);
        return p;
    }

    /** The virtio modules of Debian's cloud kernel, with its depends= lines (checked against the package). */
    void debianVirtio() throws IOException {
        module("drivers/virtio", "virtio_ring.ko", "virtio_ring", "");
        module("drivers/virtio", "virtio.ko", "virtio", "");
        module("drivers/virtio", "virtio_pci_modern_dev.ko", "virtio_pci_modern_dev", "");
        module("drivers/virtio", "virtio_pci_legacy_dev.ko", "virtio_pci_legacy_dev", "");
        module("drivers/virtio", "virtio_pci.ko", "virtio_pci", "virtio_ring,virtio_pci_modern_dev,virtio_pci_legacy_dev,virtio");
        module("net/core", "failover.ko", "failover", "");
        module("drivers/net", "net_failover.ko", "net_failover", "failover");
        module("drivers/net", "virtio_net.ko", "virtio_net", "virtio_ring,virtio,net_failover");
        module("drivers/block", "virtio_blk.ko", "virtio_blk", "virtio_ring,virtio");
    }

    private static List<String> names(List<KernelModules.Module> ms) {
        return ms.stream().map(KernelModules.Module::name).toList();
    }

    @Test
    void dependencies_load_first_in_the_order_depends_names_them() throws Exception {
        debianVirtio();
        KernelModules mods = KernelModules.scan(dir);
        assertEquals(List.of("virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_pci",
                "failover", "net_failover", "virtio_net", "virtio_blk"),
                names(mods.loadOrder(List.of("virtio_pci", "virtio_net", "virtio_blk"))));
    }

    @Test
    void a_module_listed_as_built_in_is_left_out() throws Exception {
        debianVirtio();
        Files.delete(dir.resolve("kernel/net/core/failover.ko"));
        Files.writeString(dir.resolve("modules.builtin"), "kernel/net/core/failover.ko\nkernel/net/packet/af_packet.ko\n");
        KernelModules mods = KernelModules.scan(dir);
        assertEquals(List.of("virtio_ring", "virtio", "net_failover", "virtio_net"), names(mods.loadOrder(List.of("virtio_net"))));
        assertEquals(Optional.of(true), mods.listedBuiltIn("af-packet"));
        assertEquals(Optional.of(false), mods.listedBuiltIn("virtio_net"));
    }

    @Test
    void a_missing_dependency_is_named() throws Exception {
        debianVirtio();
        Files.delete(dir.resolve("kernel/drivers/net/net_failover.ko"));
        MalformedException e = assertThrows(MalformedException.class,
                () -> KernelModules.scan(dir).loadOrder(List.of("virtio_net")));
        assertEquals("module virtio_net depends on net_failover, which is neither under " + dir + " nor built in", e.getMessage());
    }

    @Test
    void a_dependency_cycle_is_refused() throws Exception {
        module("x", "a.ko", "a", "b");
        module("x", "b.ko", "b", "a");
        MalformedException e = assertThrows(MalformedException.class, () -> KernelModules.scan(dir).loadOrder(List.of("a")));
        assertTrue(e.getMessage().endsWith("in a cycle: a -> b -> a"), e.getMessage());
    }

    @Test
    void dashes_and_underscores_name_the_same_module_and_gzip_modules_are_read() throws Exception {
        module("char", "virtio-rng.ko.gz", "virtio_rng", "");
        KernelModules mods = KernelModules.scan(dir);
        KernelModules.Module m = mods.module("virtio-rng");
        assertEquals("virtio_rng", m.name());
        assertEquals("6.1.0-57-cloud-amd64 SMP preempt mod_unload modversions ", m.vermagic());
        assertTrue(BzImage.isElf(m.bytes()));
    }

    @Test
    void xz_modules_are_refused_with_a_way_out() throws Exception {
        Path p = dir.resolve("kernel/virtio_blk.ko.xz");
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0});
        MalformedException e = assertThrows(MalformedException.class, () -> KernelModules.scan(dir).module("virtio_blk"));
        assertTrue(e.getMessage().endsWith("is compressed with xz; mirage reads .ko and .ko.gz modules: give a directory of"
                + " uncompressed ones with --kernel-modules"), e.getMessage());
    }

    @Test
    void modinfo_keeps_every_value_of_a_key_in_order() throws Exception {
        byte[] ko = TestElf.module("alias=pci:1\nalias=pci:2\n\nnoequals\ndepends=\nname=x").build();
        Map<String, List<String>> info = KernelModules.modinfo(ko);
        assertEquals(List.of("pci:1", "pci:2"), info.get("alias"));
        assertEquals(List.of(""), info.get("depends"));
        assertEquals(List.of("x"), info.get("name"));
        MalformedException e = assertThrows(MalformedException.class,
                () -> KernelModules.modinfo(TestElf.executable().pvh().build()));
        assertEquals("not a kernel module (ELF type 2, not relocatable)", e.getMessage());
    }
}
