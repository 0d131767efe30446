package mirage.link.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import jdk.tools.jlink.internal.PluginRepository;
import mirage.link.internal.vm.DebianKernel;
import mirage.link.internal.vm.VmImage;

/**
 * {@code mirage build}: configure, generate the boot class into a copy of the unikernel's
 * module, then run jlink in-process with {@link MiragePlugin} registered.
 */
public final class Link {
    private static boolean registered;

    private Link() {}

    /** Builds the image; returns its directory. */
    public static Path build(Layout layout, List<Path> libraries, mirage.link.Target target, Profile profile,
            Progress progress) throws LinkException {
        return build(layout, libraries, target, java.util.Map.of(), profile, progress);
    }

    /** As {@link #build(Layout, List, mirage.link.Target, Profile, Progress)}, with configure keys. */
    public static Path build(Layout layout, List<Path> libraries, mirage.link.Target target,
            java.util.Map<String, String> keys, Profile profile, Progress progress) throws LinkException {
        return build(layout, libraries, target, keys, profile, defaultKernel(), progress);
    }

    /** Debian's cloud kernel, cached in the user's cache directory. */
    public static VmImage.KernelChoice defaultKernel() {
        return new VmImage.KernelChoice(java.util.Optional.empty(), java.util.Optional.empty(), DebianKernel.defaultCache());
    }

    /**
     * As {@link #build(Layout, List, mirage.link.Target, java.util.Map, Profile, Progress)}; a
     * {@code virtio} image boots {@code kernel}.
     */
    public static Path build(Layout layout, List<Path> libraries, mirage.link.Target target,
            java.util.Map<String, String> keys, Profile profile, VmImage.KernelChoice kernel, Progress progress)
            throws LinkException {
        Plan plan = Configure.run(layout, libraries, target, keys, profile.name(), progress);
        writePlan(layout, plan);

        progress.step("generating the boot class " + plan.bootClass());
        Path module = layout.module();
        Files2.deleteTree(module);
        Files2.copyTree(layout.classes(), module);
        try {
            Path info = module.resolve("module-info.class");
            Files.write(info, BootClass.rewriteModuleInfo(Files.readAllBytes(info), plan, plan.roots()));
            Path boot = module.resolve(plan.bootClass().replace('.', '/') + ".class");
            Files.write(boot, BootClass.generate(plan));
        } catch (IOException e) {
            throw new LinkException("cannot write the linked module under " + module + ": " + e.getMessage(), e);
        }

        progress.step("linking the image with jlink (" + String.join(", ", plan.modules()) + ")");
        boolean vm = target == mirage.link.Target.VIRTIO;
        Path image = vm ? layout.runtime() : layout.image();
        Files2.deleteTree(image);
        List<Path> modulePath = new ArrayList<>(libraries);
        modulePath.add(module);
        List<String> args = new ArrayList<>(List.of(
                "--module-path", Configure.pathList(modulePath),
                "--add-modules", String.join(",", plan.roots()),
                "--output", image.toString(),
                "--launcher", plan.name() + "=" + plan.appModule(),
                // Bouncy Castle's modular jars are signed; an image does not keep jar signatures
                "--ignore-signing-information"));
        args.addAll(profile.jlinkOptions());
        List<String> jvm = new ArrayList<>(profile.jvmOptions());
        if (!plan.manifest().devices().isEmpty() || vm) {
            // the platform binds devices through FFM (a TAP's ioctl, ppoll), and a microVM's
            // PID 1 powers off through it: allow it, quietly
            jvm.add("--enable-native-access=" + plan.target().module());
        }
        if (!jvm.isEmpty()) {
            args.add("--add-options=" + String.join(" ", jvm));
        }
        args.add("--" + MiragePlugin.NAME + "=" + layout.build());
        jlink(args);
        if (vm) {
            return VmImage.build(image, layout.image(), plan.name(), plan.appModule(), plan.manifest(), kernel,
                    java.util.Optional.empty(), progress);
        }
        return image;
    }

    /** Writes the boot plan and manifest configure computed, where the plugin reads them. */
    static void writePlan(Layout layout, Plan plan) throws LinkException {
        try {
            Files.createDirectories(layout.build());
            Files.writeString(layout.plan(), plan.encode(), StandardCharsets.UTF_8);
            Files.writeString(layout.manifest(), plan.manifest().encode(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkException("cannot write the boot plan under " + layout.build() + ": " + e.getMessage(), e);
        }
    }

    /** Runs jlink in this JVM with the mirage plugin registered. */
    static void jlink(List<String> args) throws LinkException {
        synchronized (Link.class) {
            if (!registered) {
                PluginRepository.registerPlugin(new MiragePlugin());
                registered = true;
            }
        }
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new LinkException("no jlink in this runtime: run the link tool on a JDK"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
        int rc = jlink.run(logStream, logStream, args.toArray(String[]::new));
        if (rc != 0) {
            throw new LinkException("jlink failed (exit " + rc + "): " + log.toString(StandardCharsets.UTF_8).strip());
        }
    }
}
