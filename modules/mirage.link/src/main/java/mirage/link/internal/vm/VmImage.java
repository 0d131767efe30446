package mirage.link.internal.vm;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.link.internal.Files2;
import mirage.link.internal.LinkException;
import mirage.link.internal.Progress;

/**
 * Packs a linked jlink image with a Linux kernel into a microVM image directory:
 *
 * <pre>
 * bin/NAME          the QEMU launcher ({@link Launcher}); ./mirage run starts it
 * vmlinux           the kernel, uncompressed, booted through its PVH entry
 * initramfs.cpio    the root file system, uncompressed newc ({@link Initramfs})
 * firecracker.json  the same VM for Firecracker's --config-file
 * </pre>
 *
 * See docs/decisions/0035-virtio-target.md and 0036-microvm-kernel.md.
 */
public final class VmImage {
    public static final String VMLINUX = "vmlinux";
    public static final String INITRAMFS = "initramfs.cpio";
    public static final String FIRECRACKER = "firecracker.json";

    /**
     * Which kernel to boot.
     *
     * @param kernel a vmlinux or bzImage ({@code --kernel=PATH}); empty for Debian's cloud kernel
     * @param modules its modules directory ({@code --kernel-modules=DIR}); empty for the
     *     package's, or {@code /lib/modules/RELEASE} for a given kernel when that exists
     * @param cache where Debian's kernel is kept ({@link DebianKernel#defaultCache()})
     */
    public record KernelChoice(Optional<Path> kernel, Optional<Path> modules, Path cache) {}

    private VmImage() {}

    /**
     * The kernel a microVM image will boot, checked against what its devices need, with the
     * modules to load in order: what {@link #build} packs. Made before the image is linked, so
     * that a kernel that cannot boot the image is refused before the link's work.
     */
    public record Prepared(Kernel kernel, List<KernelModules.Module> modules) {
        public Prepared {
            modules = List.copyOf(modules);
        }
    }

    /**
     * Obtains and checks the kernel {@code choice} names for an image with {@code manifest}'s
     * devices.
     *
     * @throws LinkException one line: not an x86-64 build machine, too many devices, or the
     *     kernel cannot be had or lacks what the image needs
     */
    public static Prepared prepare(Manifest manifest, KernelChoice choice, Progress progress) throws LinkException {
        if (!System.getProperty("os.arch").equals("amd64")) {
            throw new LinkException("the virtio target builds x86-64 microVMs; this machine is " + System.getProperty("os.arch"));
        }
        if (manifest.devices().size() > Launcher.MAX_DEVICES) {
            throw new LinkException("the virtio target gives each device a PCI slot: at most " + Launcher.MAX_DEVICES
                    + " devices, not " + manifest.devices().size());
        }
        Kernel kernel = kernel(choice, progress);
        Kernel.Needs needs = new Kernel.Needs(has(manifest, DeviceKind.NET_BASIC), has(manifest, DeviceKind.BLOCK_BASIC));
        return new Prepared(kernel, kernel.check(needs));
    }

    /**
     * Writes the microVM image of {@code runtime} into {@code out} (replaced).
     *
     * @param name the unikernel's name: the launcher is {@code bin/NAME}
     * @param prepared the kernel and modules {@link #prepare} checked for this manifest
     * @param aotCache the JVM's AOT cache to boot with, if one was trained (see {@link Initramfs#assemble})
     * @return {@code out}
     * @throws LinkException one line: a library is missing, or the files cannot be written
     */
    public static Path build(Path runtime, Path out, String name, String appModule, Manifest manifest, Prepared prepared,
            Optional<Path> aotCache, Progress progress) throws LinkException {
        Kernel kernel = prepared.kernel();
        List<KernelModules.Module> modules = prepared.modules();
        List<SharedLibraries.Placement> libraries = SharedLibraries.resolve(runtime,
                SharedLibraries.loaderDirectories(Path.of("/etc/ld.so.conf")));
        List<SharedLibraries.Placement> hostFiles = new java.util.ArrayList<>(libraries);
        if (Files.isRegularFile(Initramfs.LOCALE)) {
            hostFiles.add(new SharedLibraries.Placement(Initramfs.LOCALE.toString(), Initramfs.LOCALE));
        }
        progress.step("packing the microVM: kernel " + kernel.release().orElse("(release unknown)")
                + (modules.isEmpty() ? "" : ", modules " + String.join(" ", modules.stream().map(KernelModules.Module::name).toList()))
                + ", " + libraries.size() + " host libraries");
        Files2.deleteTree(out);
        try {
            Files.createDirectories(out.resolve("bin"));
            Cpio cpio = Initramfs.assemble(runtime, "bin/" + name, appModule, hostFiles, modules, aotCache);
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out.resolve(INITRAMFS)), 1 << 20)) {
                cpio.writeTo(o);
            }
            Files.write(out.resolve(VMLINUX), kernel.vmlinux());
            Path launcher = out.resolve("bin").resolve(name);
            Files.writeString(launcher, Launcher.script(name, manifest), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(out.resolve(FIRECRACKER), Launcher.firecracker(manifest), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new LinkException("cannot write the microVM image under " + out + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean has(Manifest m, DeviceKind kind) {
        for (Manifest.Entry e : m.devices()) {
            if (e.kind() == kind) {
                return true;
            }
        }
        return false;
    }

    /** The kernel {@code choice} names, Debian's downloaded (and its vmlinux extracted once) when none is. */
    static Kernel kernel(KernelChoice choice, Progress progress) throws LinkException {
        if (choice.kernel().isPresent()) {
            Path file = choice.kernel().get().toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new LinkException("--kernel=" + choice.kernel().get() + ": no such file");
            }
            return Kernel.read("--kernel=" + choice.kernel().get(), file, Optional.empty(), choice.modules());
        }
        DebianKernel.Unpacked deb = DebianKernel.fetch(choice.cache(), progress);
        Path modules = choice.modules().orElse(deb.modules());
        Path vmlinux = deb.root().resolveSibling(VMLINUX);
        if (Files.isRegularFile(vmlinux)) {
            return Kernel.read(deb.origin(), vmlinux, Optional.of(deb.config()), Optional.of(modules));
        }
        Kernel k = Kernel.read(deb.origin(), deb.vmlinuz(), Optional.of(deb.config()), Optional.of(modules));
        try {
            Path tmp = Files.createTempFile(vmlinux.getParent(), VMLINUX, ".tmp");
            Files.write(tmp, k.vmlinux());
            Files.move(tmp, vmlinux, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LinkException("cannot keep the extracted kernel in " + vmlinux.getParent() + ": " + e.getMessage(), e);
        }
        return k;
    }
}
