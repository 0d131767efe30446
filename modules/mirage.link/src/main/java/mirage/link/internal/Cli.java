package mirage.link.internal;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mirage.link.Target;

/**
 * The {@code mirage} command's Java half: {@code configure}, {@code build}, {@code describe},
 * {@code clean}. The
 * {@code ./mirage} script finds JDK 25, keeps the tool's jars built, and does {@code run}
 * itself (it boots the image without a JVM of the tool's).
 *
 * <p>Exit status: 0 done, 1 the unikernel or its description is wrong (one message), 2 the
 * command line is wrong.
 */
public final class Cli {
    static final String USAGE = """
            usage: mirage COMMAND DIR [OPTION...]
              configure DIR [-t TARGET]   check DIR's unikernel and description for TARGET (default solo5)
              build DIR [-t TARGET]       configure, generate the boot class and link the image;
                                          prints the image directory as the last line
              describe DIR [--dot]        configure, then print the device graph, the modules and their
                                          sizes, the manifest and the boot plan; --dot: the device graph
                                          in Graphviz's language instead
              clean DIR                   delete DIR/_build
            options:
              -t, --target TARGET         solo5 (a Linux process), virtio (a microVM under QEMU or
                                          Firecracker), xen (a guest of a simulated Xen host)
              -p, --profile NAME|FILE     jlink profile: minimal (default), fast (with an AOT cache),
                                          server (C2), debug (JDWP, JFR, debug info); see jlink-profiles/;
                                          remembered in DIR/_build for later builds
              --no-dce                    build: keep every class of every module (no removal of what
                                          the image cannot reach; see link-rules/)
              --aot=on|off|profile        build: train an AOT cache into the image (start-up) or not;
                                          default as the profile says (aot: on in fast); remembered
              --lib PATH[:PATH...]        module path of the mirage libraries (the script sets it)
              --build-dir DIR             the build's files in DIR instead of DIR/_build (mirage-maven-plugin)
              --image-dir DIR             the image in DIR instead of the build's image/ (mirage-maven-plugin)
              -q, --quiet                 no progress lines
              --KEY=VALUE                 a configure key the description declares (e.g. --stack=host);
                                          remembered in DIR/_build for later builds
              --kernel=PATH               virtio: boot this kernel (vmlinux or bzImage) instead of Debian's
                                          cloud kernel, which the build downloads with apt-get
              --kernel-modules=DIR        virtio: the kernel's modules (default: its package's, or
                                          /lib/modules/RELEASE); both remembered like the keys
            """;

    private Cli() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> a = new ArrayList<>(Arrays.asList(argv));
        if (a.isEmpty() || a.contains("--help") || a.contains("-h")) {
            (a.isEmpty() ? err : out).print(USAGE);
            return a.isEmpty() ? 2 : 0;
        }
        String command = a.removeFirst();
        Target target = null;
        String profileName = null;
        List<Path> libs = new ArrayList<>();
        boolean quiet = false;
        boolean dot = false;
        Link.Removal removal = Link.Removal.UNREACHABLE;
        Path dir = null;
        Path buildDir = null;
        Path imageDir = null;
        java.util.Map<String, String> keys = new java.util.TreeMap<>();
        java.util.Map<String, String> kernelOptions = new java.util.TreeMap<>();
        Link.Aot aot = null;
        try {
            for (int i = 0; i < a.size(); i++) {
                String opt = a.get(i);
                switch (opt) {
                    case "-t", "--target" -> target = target(value(a, ++i, opt));
                    case "-p", "--profile" -> profileName = profileWord(value(a, ++i, opt));
                    case "--lib" -> {
                        for (String p : value(a, ++i, opt).split(File.pathSeparator)) {
                            if (!p.isEmpty()) {
                                libs.add(Path.of(p).toAbsolutePath());
                            }
                        }
                    }
                    case "--build-dir" -> buildDir = Path.of(value(a, ++i, opt));
                    case "--image-dir" -> imageDir = Path.of(value(a, ++i, opt));
                    case "-q", "--quiet" -> quiet = true;
                    case "--dot" -> dot = true;
                    case "--no-dce" -> removal = Link.Removal.NONE;
                    default -> {
                        if (opt.startsWith("--aot=")) {
                            aot = aot(opt.substring("--aot=".length()));
                            continue;
                        }
                        if (opt.startsWith("--kernel=") || opt.startsWith("--kernel-modules=")) {
                            String value = opt.substring(opt.indexOf('=') + 1);
                            if (value.isEmpty()) {
                                throw new UsageException(opt + " needs a path");
                            }
                            kernelOptions.put(opt.substring(2, opt.indexOf('=')), Path.of(value).toAbsolutePath().toString());
                            continue;
                        }
                        if (opt.startsWith("--") && opt.indexOf('=') > 2) {
                            keys.put(opt.substring(2, opt.indexOf('=')), opt.substring(opt.indexOf('=') + 1));
                            continue;
                        }
                        if (opt.startsWith("-") || dir != null) {
                            throw new UsageException("unexpected argument '" + opt + "'");
                        }
                        dir = Path.of(opt);
                    }
                }
            }
            if (dir == null) {
                throw new UsageException(command + " needs a unikernel directory");
            }
            if (dot && !command.equals("describe")) {
                throw new UsageException("--dot is an option of describe");
            }
        } catch (UsageException e) {
            err.println("mirage: " + e.getMessage() + " (mirage --help)");
            return 2;
        }
        Layout layout = new Layout(dir);
        if (buildDir != null || imageDir != null) {
            Path build = buildDir != null ? buildDir : layout.build();
            layout = new Layout(dir, build, imageDir != null ? imageDir : build.resolve("image"));
        }
        Progress progress = new Progress(err, quiet);
        try {
            if (profileName == null) {
                profileName = savedProfile(layout);
            }
            switch (command) {
                case "configure" -> {
                    Target t = target != null ? target : savedTarget(layout);
                    java.util.Map<String, String> k = keys(layout, keys);
                    Plan plan = Configure.run(layout, libraries(libs), t, k, profileName, progress);
                    Link.writePlan(layout, plan);
                    saveTarget(layout, t);
                    saveKeys(layout, k);
                    saveAot(layout, aot != null ? aot : savedAot(layout));
                    saveProfile(layout, profileName);
                    out.print(plan.encode());
                }
                case "build" -> {
                    Target t = target != null ? target : savedTarget(layout);
                    Profile profile = profileName.contains("/") || profileName.endsWith(".profile")
                            ? Profile.file(Path.of(profileName)) : Profile.builtIn(profileName);
                    java.util.Map<String, String> k = keys(layout, keys);
                    java.util.Map<String, String> kernel = kernelOptions(layout, t, kernelOptions);
                    Link.Aot aotChoice = aot != null ? aot : savedAot(layout);
                    Path image = Link.build(layout, libraries(libs), t, k, profile,
                            Link.Options.defaults().withRemoval(removal).withKernel(kernelChoice(kernel)).withAot(aotChoice),
                            progress);
                    saveTarget(layout, t);
                    saveKeys(layout, k);
                    saveAot(layout, aotChoice);
                    saveProfile(layout, profileName);
                    if (t == Target.VIRTIO) {
                        saveLines(layout.kernelOptions(), kernel);
                    }
                    out.println(image);
                }
                case "describe" -> {
                    Target t = target != null ? target : savedTarget(layout);
                    java.util.Map<String, String> k = keys(layout, keys);
                    List<Path> libraries = libraries(libs);
                    Configure.Configured configured = Configure.configure(layout, libraries, t, k, profileName, progress);
                    Plan plan = configured.plan();
                    Link.writePlan(layout, plan);
                    saveTarget(layout, t);
                    saveKeys(layout, k);
                    if (dot) {
                        out.print(Describe.dot(plan));
                    } else {
                        List<Path> modulePath = new ArrayList<>(libraries);
                        modulePath.add(layout.classes());
                        Describe.Report report = Describe.report(layout, plan);
                        out.print(Describe.text(configured, ModuleSizes.of(plan.modules(), modulePath), report.report(),
                                report.note()));
                    }
                }
                case "clean" -> Files2.deleteTree(layout.build());
                default -> {
                    err.println("mirage: unknown command '" + command + "' (mirage --help)");
                    return 2;
                }
            }
            return 0;
        } catch (LinkException e) {
            err.println("mirage: " + e.getMessage());
            return 1;
        }
    }

    private static List<Path> libraries(List<Path> libs) throws LinkException {
        if (libs.isEmpty()) {
            throw new LinkException("no mirage libraries given: pass --lib (./mirage does this)");
        }
        for (Path p : libs) {
            if (!Files.exists(p)) {
                throw new LinkException("library " + p + " does not exist");
            }
        }
        return libs;
    }

    private static Target target(String word) throws UsageException {
        for (Target t : Target.values()) {
            if (t.word().equals(word)) {
                return t;
            }
        }
        throw new UsageException("unknown target '" + word + "': one of solo5, virtio, xen");
    }

    /** The target an earlier configure or build remembered; solo5 if none. */
    private static Target savedTarget(Layout layout) throws LinkException {
        String word = savedWord(layout, "target");
        try {
            return word == null ? Target.SOLO5 : target(word);
        } catch (UsageException e) {
            throw unreadable(layout, "target", e.getMessage(), e);
        }
    }

    private static void saveTarget(Layout layout, Target target) throws LinkException {
        saveWord(layout, "target", target.word());
    }

    private static Link.Aot aot(String word) throws UsageException {
        return switch (word) {
            case "on" -> Link.Aot.ON;
            case "off" -> Link.Aot.OFF;
            case "profile" -> Link.Aot.PROFILE;
            default -> throw new UsageException("--aot= takes on, off or profile, not '" + word + "'");
        };
    }

    /** The {@code --aot=} choice an earlier configure or build remembered; the profile's if none. */
    private static Link.Aot savedAot(Layout layout) throws LinkException {
        String word = savedWord(layout, "aot-choice");
        try {
            return word == null ? Link.Aot.PROFILE : aot(word);
        } catch (UsageException e) {
            throw unreadable(layout, "aot-choice", e.getMessage(), e);
        }
    }

    private static void saveAot(Layout layout, Link.Aot aot) throws LinkException {
        saveWord(layout, "aot-choice", aot.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** A profile's name as given, or a profile file's absolute path (so a later run finds it from anywhere). */
    private static String profileWord(String given) {
        return given.contains("/") || given.endsWith(".profile") ? Path.of(given).toAbsolutePath().toString() : given;
    }

    /** The profile an earlier configure or build was given; {@link Profile#DEFAULT} if none. */
    private static String savedProfile(Layout layout) throws LinkException {
        String word = savedWord(layout, "profile");
        if (word == null) {
            return Profile.DEFAULT;
        }
        if (word.isEmpty()) {
            throw unreadable(layout, "profile", "it is empty", null);
        }
        return word;
    }

    private static void saveProfile(Layout layout, String profileName) throws LinkException {
        saveWord(layout, "profile", profileName);
    }

    /** The one word an earlier command remembered in {@code DIR/_build/NAME}, stripped; null if none. */
    private static String savedWord(Layout layout, String name) throws LinkException {
        Path file = layout.build().resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw unreadable(layout, name, e.getMessage(), e);
        }
    }

    private static LinkException unreadable(Layout layout, String name, String why, Exception cause) {
        return new LinkException("cannot read " + layout.build().resolve(name) + ": " + why + "; run mirage clean", cause);
    }

    /** Remembers one word in {@code DIR/_build/NAME} for later commands. */
    private static void saveWord(Layout layout, String name, String word) throws LinkException {
        try {
            Files.createDirectories(layout.build());
            Files.writeString(layout.build().resolve(name), word + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkException("cannot write under " + layout.build() + ": " + e.getMessage(), e);
        }
    }

    /** The keys saved by an earlier configure or build, with {@code given} ones replacing them. */
    private static java.util.Map<String, String> keys(Layout layout, java.util.Map<String, String> given) throws LinkException {
        return saved(layout.build().resolve("keys"), given);
    }

    /** The {@code KEY=VALUE} lines of {@code file}, if it exists, with {@code given} ones replacing them. */
    private static java.util.Map<String, String> saved(Path file, java.util.Map<String, String> given) throws LinkException {
        java.util.Map<String, String> k = new java.util.TreeMap<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        k.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            } catch (IOException e) {
                throw new LinkException("cannot read " + file + ": " + e.getMessage() + "; run mirage clean", e);
            }
        }
        k.putAll(given);
        return k;
    }

    private static void saveKeys(Layout layout, java.util.Map<String, String> keys) throws LinkException {
        saveLines(layout.build().resolve("keys"), keys);
    }

    private static void saveLines(Path file, java.util.Map<String, String> values) throws LinkException {
        StringBuilder b = new StringBuilder();
        values.forEach((key, value) -> b.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkException("cannot write under " + file.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The kernel options of a {@code virtio} build: those saved by an earlier build, with
     * {@code given} ones replacing them; refused for another target.
     */
    private static java.util.Map<String, String> kernelOptions(Layout layout, Target target, java.util.Map<String, String> given)
            throws LinkException {
        if (target != Target.VIRTIO) {
            if (!given.isEmpty()) {
                throw new LinkException("--" + given.keySet().iterator().next() + " is for the virtio target (-t virtio)");
            }
            return java.util.Map.of();
        }
        return saved(layout.kernelOptions(), given);
    }

    private static mirage.link.internal.vm.VmImage.KernelChoice kernelChoice(java.util.Map<String, String> options) {
        return new mirage.link.internal.vm.VmImage.KernelChoice(
                java.util.Optional.ofNullable(options.get("kernel")).map(Path::of),
                java.util.Optional.ofNullable(options.get("kernel-modules")).map(Path::of),
                mirage.link.internal.vm.DebianKernel.defaultCache());
    }

    private static String value(List<String> a, int i, String opt) throws UsageException {
        if (i >= a.size()) {
            throw new UsageException(opt + " needs a value");
        }
        return a.get(i);
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
