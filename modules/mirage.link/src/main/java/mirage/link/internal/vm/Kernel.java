package mirage.link.internal.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.link.internal.LinkException;

/**
 * The Linux kernel a microVM image boots: its {@code vmlinux}, its configuration when one can
 * be found, and its modules directory, with the checks that it can boot the image
 * ({@link #check}). See docs/decisions/0036-microvm-kernel.md for how each requirement is
 * detected.
 */
public final class Kernel {
    /** {@code XEN_ELFNOTE_PHYS32_ENTRY}: the 32-bit entry point PVH boot jumps to (Xen's elfnote.h). */
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    static final byte[] LINUX_VERSION = "Linux version ".getBytes(StandardCharsets.US_ASCII);
    /** The file system name devtmpfs registers, NUL-terminated as in the kernel's rodata. */
    static final byte[] DEVTMPFS_NAME = "devtmpfs\0".getBytes(StandardCharsets.US_ASCII);

    /** What the image needs of the kernel, from its device manifest. */
    public record Needs(boolean net, boolean block) {
        public boolean devices() {
            return net || block;
        }
    }

    /**
     * A kernel feature an image may need: the configuration option that provides it, and the
     * module that holds it when the option is {@code m}.
     */
    enum Feature {
        DEVTMPFS("DEVTMPFS", null, "devtmpfs (the guest's /dev)"),
        VIRTIO("VIRTIO", "virtio", "virtio"),
        VIRTIO_PCI("VIRTIO_PCI", "virtio_pci", "virtio_pci (virtio devices on PCI, as QEMU gives them)"),
        VIRTIO_NET("VIRTIO_NET", "virtio_net", "virtio_net (virtio network cards)"),
        PACKET("PACKET", "af_packet", "AF_PACKET (raw sockets on the guest's network cards)"),
        VIRTIO_BLK("VIRTIO_BLK", "virtio_blk", "virtio_blk (virtio disks)"),
        /** Firecracker's transport: loaded when the kernel has it as a module, never required. */
        VIRTIO_MMIO("VIRTIO_MMIO", "virtio_mmio", "virtio_mmio");

        final String option;
        final String module;
        final String what;

        Feature(String option, String module, String what) {
            this.option = option;
            this.module = module;
            this.what = what;
        }
    }

    private final String origin;
    private final byte[] vmlinux;
    private final Elf elf;
    private final Optional<String> release;
    private final Optional<KernelConfig> config;
    private final Optional<KernelModules> modules;

    private Kernel(String origin, byte[] vmlinux, Elf elf, Optional<String> release, Optional<KernelConfig> config,
            Optional<KernelModules> modules) {
        this.origin = origin;
        this.vmlinux = vmlinux;
        this.elf = elf;
        this.release = release;
        this.config = config;
        this.modules = modules;
    }

    /**
     * Reads a kernel: {@code file} is a {@code vmlinux} or a {@code bzImage} (its
     * {@code vmlinux} extracted, gzip or LZ4). The configuration is, in order, {@code config}
     * when given, the one embedded by {@code CONFIG_IKCONFIG}, or {@code config-RELEASE} or
     * {@code .config} beside {@code file}.
     *
     * @param origin how the kernel was chosen, for messages ("Debian's linux-image-...", "--kernel=PATH")
     * @param modulesDir its modules; when empty, {@code /lib/modules/RELEASE} if that exists
     * @throws LinkException one line: the file is missing or unreadable, or not a kernel this
     *     can read
     */
    public static Kernel read(String origin, Path file, Optional<Path> config, Optional<Path> modulesDir) throws LinkException {
        byte[] image;
        try {
            image = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LinkException("cannot read the kernel " + file + " (" + origin + "): " + e.getMessage(), e);
        }
        byte[] vmlinux;
        Elf elf;
        try {
            vmlinux = BzImage.isElf(image) ? image : BzImage.vmlinux(image);
            elf = Elf.read(ByteBuffer.wrap(vmlinux));
            if (elf.machine() != Elf.EM_X86_64 || elf.type() != Elf.ET_EXEC) {
                throw new MalformedException("not an x86-64 executable (ELF machine " + elf.machine() + ", type " + elf.type() + ")");
            }
        } catch (MalformedException e) {
            throw new LinkException("the kernel " + file + " (" + origin + ") cannot be used: " + e.getMessage(), e);
        }
        Optional<String> release = release(vmlinux);
        Optional<KernelConfig> cfg;
        try {
            if (config.isPresent()) {
                cfg = Optional.of(KernelConfig.parse(config.get().toString(), Files.readString(config.get(), StandardCharsets.ISO_8859_1)));
            } else {
                cfg = KernelConfig.embedded(vmlinux);
                Path dir = file.toAbsolutePath().getParent();
                List<Path> beside = new ArrayList<>();
                release.ifPresent(r -> beside.add(dir.resolve("config-" + r)));
                beside.add(dir.resolve(".config"));
                for (Path p : beside) {
                    if (cfg.isEmpty() && Files.isRegularFile(p)) {
                        cfg = Optional.of(KernelConfig.parse(p.toString(), Files.readString(p, StandardCharsets.ISO_8859_1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot read the kernel's configuration: " + e.getMessage(), e);
        } catch (MalformedException e) {
            throw new LinkException("the kernel " + file + " (" + origin + "): " + e.getMessage(), e);
        }
        Optional<KernelModules> mods = Optional.empty();
        if (modulesDir.isEmpty() && release.isPresent() && Files.isDirectory(Path.of("/lib/modules", release.get()))) {
            modulesDir = Optional.of(Path.of("/lib/modules", release.get()));
        }
        if (modulesDir.isPresent()) {
            if (!Files.isDirectory(modulesDir.get())) {
                throw new LinkException("the kernel modules directory " + modulesDir.get() + " does not exist");
            }
            try {
                mods = Optional.of(KernelModules.scan(modulesDir.get()));
            } catch (IOException e) {
                throw new LinkException("cannot read the kernel modules under " + modulesDir.get() + ": " + e.getMessage(), e);
            }
        }
        return new Kernel(origin, vmlinux, elf, release, cfg, mods);
    }

    /** The release in the kernel's {@code Linux version RELEASE ...} banner, if found. */
    static Optional<String> release(byte[] vmlinux) {
        int at = KernelConfig.indexOf(vmlinux, LINUX_VERSION, 0);
        while (at >= 0) {
            int from = at + LINUX_VERSION.length;
            int end = from;
            while (end < vmlinux.length && end - from < 128 && vmlinux[end] > ' ' && vmlinux[end] < 0x7f) {
                end++;
            }
            // the banner, not the format string "Linux version %s": a release starts with a digit
            if (end > from && vmlinux[from] >= '0' && vmlinux[from] <= '9') {
                return Optional.of(new String(vmlinux, from, end - from, StandardCharsets.US_ASCII));
            }
            at = KernelConfig.indexOf(vmlinux, LINUX_VERSION, from);
        }
        return Optional.empty();
    }

    /** The uncompressed kernel image (owned by this object: do not modify). */
    public byte[] vmlinux() {
        return vmlinux;
    }

    public Optional<String> release() {
        return release;
    }

    public Optional<KernelConfig> config() {
        return config;
    }

    /** Whether the kernel has a PVH entry point: an ELF note {@code XEN_ELFNOTE_PHYS32_ENTRY} owned by "Xen". */
    public boolean hasPvhEntry() throws MalformedException {
        for (Elf.Note n : elf.notes()) {
            if (n.owner().equals("Xen") && n.type() == XEN_ELFNOTE_PHYS32_ENTRY && n.descriptor().length >= 4) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks that the kernel can boot an image that {@code needs} what is given, and returns the
     * modules to load, in order (dependencies first).
     *
     * @throws LinkException one line naming the first thing the kernel lacks and how that was found
     */
    public List<KernelModules.Module> check(Needs needs) throws LinkException {
        try {
            if (!hasPvhEntry()) {
                throw refuse("has no PVH entry point (no ELF note XEN_ELFNOTE_PHYS32_ENTRY; build it with CONFIG_PVH=y)");
            }
        } catch (MalformedException e) {
            throw refuse("has malformed ELF notes: " + e.getMessage());
        }
        if (!needs.devices()) {
            return List.of();
        }
        List<Feature> required = new ArrayList<>(List.of(Feature.DEVTMPFS, Feature.VIRTIO, Feature.VIRTIO_PCI));
        if (needs.net()) {
            required.addAll(List.of(Feature.VIRTIO_NET, Feature.PACKET));
        }
        if (needs.block()) {
            required.add(Feature.VIRTIO_BLK);
        }
        List<String> load = new ArrayList<>();
        for (Feature f : required) {
            if (asModule(f, true)) {
                load.add(f.module);
            }
        }
        if (asModule(Feature.VIRTIO_MMIO, false)) {
            load.add(Feature.VIRTIO_MMIO.module);
        }
        if (load.isEmpty()) {
            return List.of();
        }
        KernelModules mods = modules.orElseThrow();
        try {
            List<KernelModules.Module> order = mods.loadOrder(load);
            for (KernelModules.Module m : order) {
                String built = m.vermagic().isEmpty() ? "" : m.vermagic().split(" ")[0];
                if (release.isPresent() && !built.isEmpty() && !built.equals(release.get())) {
                    throw refuse("is release " + release.get() + " but module " + m.name() + " in " + mods.dir() + " was built for " + built);
                }
            }
            return order;
        } catch (IOException e) {
            throw new LinkException("cannot read the kernel modules under " + mods.dir() + ": " + e.getMessage(), e);
        } catch (MalformedException e) {
            throw refuse("cannot load its modules: " + e.getMessage());
        }
    }

    /**
     * Whether {@code f} must be loaded as a module; false when it is built in.
     *
     * @param required refuse (rather than answer false) when the kernel lacks it
     */
    private boolean asModule(Feature f, boolean required) throws LinkException {
        if (config.isPresent()) {
            KernelConfig.State s = config.get().state(f.option);
            if (s == KernelConfig.State.BUILT_IN) {
                return false;
            }
            if (s == KernelConfig.State.OFF || f.module == null) {
                if (!required) {
                    return false;
                }
                throw refuse("lacks " + f.what + ": CONFIG_" + f.option + " is not set in " + config.get().source());
            }
            if (modules.isEmpty() || !modules.get().has(f.module)) {
                if (!required) {
                    return false;
                }
                throw refuse("has " + f.what + " as a module (CONFIG_" + f.option + "=m in " + config.get().source() + ") but "
                        + (modules.isEmpty() ? "no modules directory was found: give --kernel-modules=DIR"
                                : modules.get().dir() + " has no " + f.module + ".ko"));
            }
            return true;
        }
        // no configuration: the modules directory's files and modules.builtin; devtmpfs (a
        // bool, never a module) by the name it registers, a string only a kernel with it has
        if (f == Feature.DEVTMPFS && KernelConfig.indexOf(vmlinux, DEVTMPFS_NAME, 0) >= 0) {
            return false;
        }
        if (modules.isPresent() && f.module != null) {
            if (modules.get().has(f.module)) {
                return true;
            }
            if (modules.get().listedBuiltIn(f.module).orElse(false)) {
                return false;
            }
        }
        if (!required) {
            return false;
        }
        throw refuse("cannot be checked for " + f.what + ": no configuration found (CONFIG_IKCONFIG, config-"
                + release.orElse("RELEASE") + " or .config beside it)"
                + (modules.isPresent() && f.module != null ? " and " + modules.get().dir() + " neither has nor lists " + f.module : ""));
    }

    private LinkException refuse(String why) {
        return new LinkException("the kernel (" + origin + ") " + why);
    }
}
