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
import mirage.link.internal.dce.LinkReport;
import mirage.link.internal.dce.LinkRules;
import mirage.link.internal.dce.LinkableModules;
import mirage.link.internal.reach.KeepRules;
import mirage.link.internal.dce.ReachabilityPlugin;
import mirage.link.internal.vm.DebianKernel;
import mirage.link.internal.vm.VmImage;

/**
 * {@code mirage build}: configure, generate the boot class into a copy of the unikernel's
 * module, then run jlink in-process with {@link MiragePlugin} and, unless removal is off,
 * {@link ReachabilityPlugin} registered.
 */
public final class Link {
    private static boolean registered;

    private Link() {}

    /** Whether the link removes what the image cannot reach (docs/decisions/0033). */
    public enum Removal {
        /** Remove unreachable classes and files (the default). */
        UNREACHABLE,
        /** Link every class of every module ({@code --no-dce}). */
        NONE
    }

    /** Whether the image gets an AOT cache (docs/decisions/0049). */
    public enum Aot {
        /** As the profile says ({@code aot: on|off}). */
        PROFILE,
        /** Train one whatever the profile says ({@code --aot=on}). */
        ON,
        /** None ({@code --aot=off}). */
        OFF;

        /** Whether a build with {@code profile} gets a cache. */
        public boolean wanted(Profile profile) {
            return this == ON || (this == PROFILE && profile.aot());
        }
    }

    /**
     * How a build links, beyond the unikernel and its profile.
     *
     * @param removal whether unreachable classes are removed (a profile with {@code dce: off}
     *     turns it off too)
     * @param kernel the kernel a {@code virtio} image boots (ignored for other targets)
     * @param aot whether the image gets an AOT cache
     */
    public record Options(Removal removal, VmImage.KernelChoice kernel, Aot aot) {
        public Options {
            java.util.Objects.requireNonNull(removal, "removal");
            java.util.Objects.requireNonNull(kernel, "kernel");
            java.util.Objects.requireNonNull(aot, "aot");
        }

        /** Removal on; Debian's cloud kernel, cached in the user's cache directory; AOT as the profile says. */
        public static Options defaults() {
            return new Options(Removal.UNREACHABLE, defaultKernel(), Aot.PROFILE);
        }

        public Options withRemoval(Removal r) {
            return new Options(r, kernel, aot);
        }

        public Options withKernel(VmImage.KernelChoice k) {
            return new Options(removal, k, aot);
        }

        public Options withAot(Aot a) {
            return new Options(removal, kernel, a);
        }
    }

    /** The system property of mirage.platform.solo5 that lets its sandbox allow the host's sockets (0057). */
    static final String HOST_SOCKETS = "mirage.sandbox.hostSockets";

    /** Whether images of {@code target} confine themselves after binding (Solo5's platform, 0057). */
    static boolean sandboxed(mirage.link.Target target) {
        return target == mirage.link.Target.SOLO5 || target == mirage.link.Target.VIRTIO;
    }

    /** Whether the device graph holds the host-socket stack ({@code Devices.hostStack()}). */
    static boolean usesHostSockets(Graph graph) {
        for (Graph.Node node : graph.nodes()) {
            if (node.impl() instanceof mirage.link.Impl.Call<?> c && c.owner().equals("mirage.net.Stack")
                    && c.method().equals("host")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JVM options of an image that links FFM downcalls at boot (devices, the sandbox): the
     * class-file API's stack-map generator, which runs while the JDK generates the downcall
     * stubs, is not compiled. Its one compilation took a 6.6 MB compiler arena (measured with
     * {@code -XX:CompileCommand=memstat}) whose chunks stay in the JVM's chunk pool and then in
     * the C library's heap: 5.4 MB of echo's idle RSS, for a method that runs only while the
     * stubs are made (docs/decisions/0065). {@code quiet} keeps the JVM from printing the
     * command on standard output, the unikernel's console.
     */
    /** Opens {@code java.lang} to mirage.core, whose event loop schedules virtual threads itself (0079). */
    static final String LOOP_TASKS_OPTION = "--add-opens=java.base/java.lang=mirage.core";

    static final List<String> FFM_BOOT_OPTIONS = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock");

    /**
     * The JVM options a cache for a microVM guest is trained with: the guest's virtual CPU may
     * lack the host's vector instructions, and a cache trained with them crashes it with
     * SIGILL (PLATFORM-FACTS).
     */
    static final List<String> GUEST_TRAINING = List.of("-XX:UseAVX=0");

    /** Debian's cloud kernel, cached in the user's cache directory. */
    public static VmImage.KernelChoice defaultKernel() {
        return new VmImage.KernelChoice(java.util.Optional.empty(), java.util.Optional.empty(), DebianKernel.defaultCache());
    }

    /** Builds the image with {@link Options#defaults()}; returns its directory. */
    public static Path build(Layout layout, List<Path> libraries, mirage.link.Target target,
            java.util.Map<String, String> keys, Profile profile, Progress progress) throws LinkException {
        return build(layout, libraries, target, keys, profile, Options.defaults(), progress);
    }

    /**
     * Builds the image; returns its directory: the jlink image, or for {@code virtio} the
     * microVM image (kernel, initramfs, launchers) packed from it.
     */
    public static Path build(Layout layout, List<Path> libraries, mirage.link.Target target,
            java.util.Map<String, String> keys, Profile profile, Options options, Progress progress)
            throws LinkException {
        Removal removal = profile.dce() ? options.removal() : Removal.NONE;
        Plan plan = Configure.run(layout, libraries, target, keys, profile.name(), progress);
        writePlan(layout, plan);
        boolean vm = target == mirage.link.Target.VIRTIO;
        // the kernel is checked before the link's work: a kernel that cannot boot the image is refused first
        VmImage.Prepared kernel = vm ? VmImage.prepare(plan.manifest(), options.kernel(), progress) : null;

        progress.step("generating the boot class " + plan.bootClass());
        Path module = layout.module();
        Files2.deleteTree(module);
        Files2.copyTree(layout.classes(), module);
        try {
            Path info = module.resolve("module-info.class");
            Files.write(info, BootClass.rewriteModuleInfo(Files.readAllBytes(info), plan, plan.roots()));
            Path boot = module.resolve(plan.bootClass().replace('.', '/') + ".class");
            Files.write(boot, BootClass.generate(plan));
            java.util.Optional<byte[]> packed = Crunch.generate(plan, layout.dir());
            if (packed.isPresent()) {
                progress.step("packing " + Crunch.describe(plan) + " into " + Crunch.className(plan));
                Files.write(module.resolve(Crunch.className(plan).replace('.', '/') + ".class"), packed.get());
            }
        } catch (IOException e) {
            throw new LinkException("cannot write the linked module under " + module + ": " + e.getMessage(), e);
        }

        List<Path> modulePath = new ArrayList<>(libraries);
        modulePath.add(module);
        progress.step(removal == Removal.UNREACHABLE ? "preparing the modules: descriptors, requires nothing reaches"
                : "preparing the modules: descriptors");
        Path ownRules = layout.dir().resolve(LinkRules.UNIKERNEL_FILE);
        List<KeepRules> unikernelRules = LinkRules.unikernel(ownRules, plan.appModule());
        try {
            Path copy = layout.build().resolve(LinkRules.UNIKERNEL_FILE);
            Files.deleteIfExists(copy);
            if (!unikernelRules.isEmpty()) {
                Files.copy(ownRules, copy);
            }
        } catch (IOException e) {
            throw new LinkException("cannot copy " + ownRules + " under " + layout.build() + ": " + e.getMessage(), e);
        }
        LinkableModules.Prepared prepared = LinkableModules.prepare(modulePath, plan.roots(), plan.appModule(), removal,
                layout.build().resolve("modules"), unikernelRules, progress);
        prepared.changed().forEach(progress::detail);
        plan = plan.withModules(withProfileModules(prepared.modules(), profile));
        writePlan(layout, plan);

        progress.step("linking the image with jlink (" + String.join(", ", plan.modules()) + ")");
        Path image = vm ? layout.runtime() : layout.image();
        Files2.deleteTree(image);
        List<String> args = new ArrayList<>(List.of(
                "--module-path", Configure.pathList(prepared.modulePath()),
                "--add-modules", String.join(",", addModules(prepared.roots(), profile)),
                "--output", image.toString(),
                "--launcher", plan.name() + "=" + plan.appModule(),
                // Bouncy Castle's modular jars are signed; an image does not keep jar signatures
                "--ignore-signing-information"));
        args.addAll(profile.jlinkOptions());
        List<String> jvm = new ArrayList<>(profile.jvmOptions());
        boolean sandboxed = sandboxed(plan.target());
        if (!plan.manifest().devices().isEmpty() || sandboxed) {
            // the platform binds devices through FFM (a TAP's ioctl, ppoll), installs the
            // sandbox through it (0057), and a microVM's PID 1 powers off through it: allow
            // it, quietly
            jvm.add("--enable-native-access=" + plan.target().nativeAccess());
            jvm.addAll(FFM_BOOT_OPTIONS);
        }
        if (!plan.manifest().devices().isEmpty()) {
            // the direct stack's loop carries the application's tasks (virtual threads) on its
            // own thread through a JDK constructor it reaches by reflection (0079)
            jvm.add(LOOP_TASKS_OPTION);
        }
        if (sandboxed && usesHostSockets(plan.graph())) {
            // the host-socket stack opens the host's sockets after boot: the sandbox allows them
            jvm.add("-D" + HOST_SOCKETS + "=true");
        }
        if (!jvm.isEmpty()) {
            args.add("--add-options=" + String.join(" ", jvm));
        }
        args.add("--" + MiragePlugin.NAME + "=" + layout.build());
        Path report = layout.build().resolve(ReachabilityPlugin.REPORT);
        Files2.delete(report);
        if (removal == Removal.UNREACHABLE) {
            args.add("--" + ReachabilityPlugin.NAME + "=" + layout.build());
        }
        jlink(args);
        if (removal == Removal.UNREACHABLE) {
            printReport(report, progress);
        }
        java.util.Optional<Path> cache = java.util.Optional.empty();
        if (options.aot().wanted(profile)) {
            progress.step("training the AOT cache: a run of the unikernel's boot path from the image");
            String main = plan.appModule() + "/" + plan.bootClass();
            Path file = vm ? layout.build().resolve("aot").resolve(plan.name() + ".aot")
                    : image.resolve("lib").resolve(plan.name() + ".aot");
            List<String> training = new ArrayList<>(AotCache.trainingArgs(layout.dir().resolve(AotCache.TRAINING_ARGS)));
            if (sandboxed) {
                // the training run writes its AOT configuration at exit, which the sandbox refuses:
                // it prepares the sandbox without installing it, so the cache holds what the
                // install loads and links (0059)
                training.add(0, "--sandbox=train");
            }
            cache = AotCache.train(image, main, vm ? GUEST_TRAINING : List.of(), training,
                    AotCache.trainingRequests(layout.dir().resolve(AotCache.TRAINING_REQUESTS)), layout.build().resolve("aot"),
                    file, progress);
            if (cache.isPresent() && !vm) {
                AotCache.writeLauncher(image, plan.name(), main, java.util.Optional.of(file.getFileName().toString()));
            }
        }
        if (vm) {
            return VmImage.build(image, layout.image(), plan.name(), plan.appModule(), plan.manifest(), kernel, cache,
                    progress);
        }
        return image;
    }

    /**
     * The computed module set and the profile's own modules ({@code debug}: the JDWP agent and
     * JFR) with what they require, resolved among the JDK's modules: what jlink will link, so the
     * plan's set, which the jlink plugin checks the image against, names them too.
     */
    static java.util.SortedSet<String> withProfileModules(java.util.SortedSet<String> computed, Profile profile)
            throws LinkException {
        java.util.SortedSet<String> all = new java.util.TreeSet<>(computed);
        if (profile.modules().isEmpty()) {
            return all;
        }
        try {
            java.lang.module.Configuration cf = java.lang.module.Configuration.empty().resolve(
                    java.lang.module.ModuleFinder.ofSystem(), java.lang.module.ModuleFinder.of(), profile.modules());
            for (java.lang.module.ResolvedModule m : cf.modules()) {
                all.add(m.name());
            }
        } catch (java.lang.module.FindException | java.lang.module.ResolutionException e) {
            throw new LinkException("profile " + profile.name() + " names modules this JDK cannot link: " + e.getMessage(), e);
        }
        return all;
    }

    /** The modules jlink adds: the roots, then the profile's modules not among them. */
    private static List<String> addModules(java.util.Collection<String> roots, Profile profile) {
        List<String> all = new ArrayList<>(roots);
        for (String m : profile.modules()) {
            if (!all.contains(m)) {
                all.add(m);
            }
        }
        return all;
    }

    /** One progress line per module the link removed from. */
    private static void printReport(Path file, Progress progress) throws LinkException {
        LinkReport report;
        try {
            report = LinkReport.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new LinkException("cannot read the link report " + file + ": " + e.getMessage(), e);
        }
        long before = 0;
        long after = 0;
        for (LinkReport.Row r : report.modules()) {
            before += r.bytesBefore();
            after += r.bytesAfter();
            if (r.classesAfter() < r.classesBefore() || r.bytesAfter() < r.bytesBefore()) {
                progress.detail(String.format(java.util.Locale.ROOT, "%-28s %6d of %6d classes removed, %s -> %s",
                        r.module(), r.classesBefore() - r.classesAfter(), r.classesBefore(), kib(r.bytesBefore()),
                        kib(r.bytesAfter())));
            }
        }
        progress.detail("removed " + kib(before - after) + " of " + kib(before) + " (before compression); "
                + "details in " + file);
    }

    private static String kib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%,d KiB", (bytes + 512) / 1024);
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
        XenConfigs.write(layout.build(), plan);
    }

    /** Runs jlink in this JVM with the mirage plugin registered. */
    static void jlink(List<String> args) throws LinkException {
        synchronized (Link.class) {
            if (!registered) {
                PluginRepository.registerPlugin(new MiragePlugin());
                PluginRepository.registerPlugin(new ReachabilityPlugin());
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
