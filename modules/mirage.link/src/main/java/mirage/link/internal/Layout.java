package mirage.link.internal;

import java.nio.file.Path;

/**
 * Where the link tool keeps a unikernel's build, under {@code DIR/_build}.
 *
 * @param dir the unikernel's directory
 */
public record Layout(Path dir) {
    public Layout {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path build() {
        return dir.resolve("_build");
    }

    /** The unikernel's compiled module, as javac left it. */
    public Path classes() {
        return build().resolve("classes");
    }

    /** The compiled description. */
    public Path config() {
        return build().resolve("config");
    }

    /** The module as linked: classes plus the boot class and the rewritten descriptor. */
    public Path module() {
        return build().resolve("module");
    }

    /** The boot plan configure wrote. */
    public Path plan() {
        return build().resolve("boot-plan");
    }

    /** The device manifest configure wrote. */
    public Path manifest() {
        return build().resolve("manifest");
    }

    /** The image: the jlink image for a process target, the microVM image for {@code virtio}. */
    public Path image() {
        return build().resolve("image");
    }

    /** For the {@code virtio} target, the jlink image the microVM's initramfs holds. */
    public Path runtime() {
        return build().resolve("runtime");
    }

    /** The kernel options a {@code virtio} build was given, remembered for later builds. */
    public Path kernelOptions() {
        return build().resolve("kernel");
    }
}
