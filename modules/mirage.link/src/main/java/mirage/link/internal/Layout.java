package mirage.link.internal;

import java.nio.file.Path;

/**
 * Where the link tool keeps a unikernel's build: under {@code DIR/_build} for {@code ./mirage},
 * elsewhere when a build tool chooses (mirage-maven-plugin: {@code target/mirage} and
 * {@code target/image}).
 *
 * @param dir the unikernel's directory
 * @param build where its build's intermediate files go
 * @param image where its image goes: the jlink image for a process target, the microVM image
 *     for {@code virtio}
 */
public record Layout(Path dir, Path build, Path image) {
    public Layout {
        dir = dir.toAbsolutePath().normalize();
        build = build.toAbsolutePath().normalize();
        image = image.toAbsolutePath().normalize();
    }

    /** The layout of {@code ./mirage}: everything under {@code dir/_build}. */
    public Layout(Path dir) {
        this(dir, dir.resolve("_build"), dir.resolve("_build").resolve("image"));
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

    /** For the {@code virtio} target, the jlink image the microVM's initramfs holds. */
    public Path runtime() {
        return build().resolve("runtime");
    }

    /** The kernel options a {@code virtio} build was given, remembered for later builds. */
    public Path kernelOptions() {
        return build().resolve("kernel");
    }
}
