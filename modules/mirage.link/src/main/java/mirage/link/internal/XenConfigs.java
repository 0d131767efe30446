package mirage.link.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.link.Target;

/**
 * For {@code -t xen}, the configurations a real Xen deployment of the unikernel would start from,
 * as MirageOS's {@code mirage configure -t xen} writes them: {@code _build/xen/NAME.cfg} for
 * {@code xl} (xl.cfg(5)) and {@code _build/xen/NAME.xml} for libvirt's libxl driver, a PVH guest
 * with one vif per {@code NET_BASIC} device and one disk ({@code xvda}, {@code xvdb}, ...) per
 * {@code BLOCK_BASIC} device, in manifest order, the order the simulated host's toolstack uses
 * (docs/decisions/0043). What is not ours to know is left for the operator and said so: the
 * kernel and initramfs a PVH guest boots (not produced yet), the bridge, the disk files.
 */
final class XenConfigs {
    static final String DIR = "xen";
    static final String BRIDGE = "xenbr0";
    static final int MEMORY_MIB = 256;

    private XenConfigs() {}

    /** Writes both files for a xen plan; removes them for any other target. */
    static void write(Path build, Plan plan) throws LinkException {
        Path dir = build.resolve(DIR);
        try {
            if (plan.target() != Target.XEN) {
                Files.deleteIfExists(dir.resolve(plan.name() + ".cfg"));
                Files.deleteIfExists(dir.resolve(plan.name() + ".xml"));
                return;
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(plan.name() + ".cfg"), xl(plan.name(), plan.manifest()), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(plan.name() + ".xml"), libvirt(plan.name(), plan.manifest()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkException("cannot write the Xen configurations under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** xvda ... xvdz, xvdaa ... for the {@code i}th disk (a manifest lists at most 63 devices). */
    static String vdev(int i) {
        return i < 26 ? "xvd" + (char) ('a' + i) : "xvd" + (char) ('a' + i / 26 - 1) + (char) ('a' + i % 26);
    }

    static String xl(String name, Manifest manifest) {
        StringBuilder b = new StringBuilder();
        b.append("# xl config for the unikernel ").append(name).append(", written by mirage configure or build -t xen.\n");
        b.append("# mirage-java runs it on a simulated Xen host (docs/decisions/0043); on a real one it would\n");
        b.append("# boot in a Linux PVH guest with the /dev/xen binding of docs/decisions/0041, not built yet.\n");
        b.append("name = \"").append(name).append("\"\n");
        b.append("type = \"pvh\"\n");
        b.append("kernel = \"").append(name).append(".vmlinux\"   # a Linux PVH kernel: not produced yet\n");
        b.append("ramdisk = \"").append(name).append(".initrd\"   # the image as an initramfs: not produced yet\n");
        b.append("memory = ").append(MEMORY_MIB).append('\n');
        b.append("vcpus = 1\n");
        b.append("on_crash = \"destroy\"\n");
        StringBuilder vifs = new StringBuilder();
        StringBuilder disks = new StringBuilder();
        int vbd = 0;
        for (Manifest.Entry e : manifest.devices()) {
            if (e.kind() == DeviceKind.NET_BASIC) {
                vifs.append(vifs.isEmpty() ? "" : ",\n        ").append("\"bridge=").append(BRIDGE).append("\"   # ")
                        .append(e.name());
            } else {
                disks.append(disks.isEmpty() ? "" : ",\n        ").append("\"format=raw, vdev=").append(vdev(vbd++))
                        .append(", access=rw, target=").append(e.name()).append(".img\"   # ").append(e.name());
            }
        }
        if (!vifs.isEmpty()) {
            b.append("vif = [ ").append(vifs).append("\n      ]\n");
        }
        if (!disks.isEmpty()) {
            b.append("disk = [ ").append(disks).append("\n       ]\n");
        }
        return b.toString();
    }

    static String libvirt(String name, Manifest manifest) {
        StringBuilder b = new StringBuilder();
        b.append("<!-- libvirt (libxl driver) domain for the unikernel ").append(name)
                .append(", written by mirage configure or build -t xen: see ").append(name).append(".cfg -->\n");
        b.append("<domain type='xen'>\n");
        b.append("  <name>").append(name).append("</name>\n");
        b.append("  <memory unit='MiB'>").append(MEMORY_MIB).append("</memory>\n");
        b.append("  <vcpu>1</vcpu>\n");
        b.append("  <os>\n");
        b.append("    <type arch='x86_64' machine='xenpvh'>xenpvh</type>\n");
        b.append("    <kernel>").append(name).append(".vmlinux</kernel>\n");
        b.append("    <initrd>").append(name).append(".initrd</initrd>\n");
        b.append("  </os>\n");
        b.append("  <on_crash>destroy</on_crash>\n");
        b.append("  <devices>\n");
        int vbd = 0;
        for (Manifest.Entry e : manifest.devices()) {
            if (e.kind() == DeviceKind.NET_BASIC) {
                b.append("    <interface type='bridge'>  <!-- ").append(e.name()).append(" -->\n");
                b.append("      <source bridge='").append(BRIDGE).append("'/>\n");
                b.append("    </interface>\n");
            } else {
                b.append("    <disk type='file' device='disk'>  <!-- ").append(e.name()).append(" -->\n");
                b.append("      <driver name='qemu' type='raw'/>\n");
                b.append("      <source file='").append(e.name()).append(".img'/>\n");
                b.append("      <target dev='").append(vdev(vbd++)).append("' bus='xen'/>\n");
                b.append("    </disk>\n");
            }
        }
        b.append("    <console type='pty'>\n");
        b.append("      <target type='xen' port='0'/>\n");
        b.append("    </console>\n");
        b.append("  </devices>\n");
        b.append("</domain>\n");
        return b.toString();
    }
}
