package mirage.link.internal.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a microVM image's initramfs holds, and where (the guest side, in
 * {@code mirage.platform.solo5}'s guest package, reads the same paths):
 *
 * <pre>
 * /bin/java, /lib/..., /conf/..., /mirage-manifest   the jlink image at the root (java.home = /)
 * /lib/x86_64-linux-gnu/..., /lib64/ld-linux-...     the host libraries it needs ({@link SharedLibraries})
 * /usr/lib/locale/C.utf8/LC_CTYPE                     the host's UTF-8 character map, if it has one
 * /dev/console, null, random, urandom, ttyS1         device nodes (ttyS1: the exit-status port)
 * /dev, /proc                                         mount points
 * /mirage/java.args                                   the JVM's argument file: -m MODULE (and -XX:AOTCache=)
 * /mirage/modules/NAME.ko, /mirage/module-order       kernel modules and their load order
 * /mirage/NAME.aot                                    the AOT cache, when one is given
 * </pre>
 *
 * Nothing else: no shell, no init, no C program of ours; the kernel starts {@code /bin/java}
 * as PID 1 (docs/decisions/0035-virtio-target.md).
 */
public final class Initramfs {
    /** The JVM's argument file, given to it as {@code @/mirage/java.args} on the kernel command line. */
    public static final String JAVA_ARGS = "mirage/java.args";
    /** Where modules go; each {@code NAME.ko}. */
    public static final String MODULES = "mirage/modules";
    /** Absolute paths of the modules to load, one a line, in order. */
    public static final String MODULE_ORDER = "mirage/module-order";
    /**
     * glibc's C.UTF-8 character map (Debian's glibc 2.36 has no built-in one): with it and
     * {@code LC_CTYPE=C.UTF-8} the JVM reads its arguments and writes the console in UTF-8
     * rather than ASCII. The rest of the locale is C.
     */
    public static final Path LOCALE = Path.of("/usr/lib/locale/C.utf8/LC_CTYPE");

    private Initramfs() {}

    /**
     * The archive's entries.
     *
     * @param runtime the jlink image
     * @param launcher the image's launcher script, {@code bin/NAME}, left out (no shell runs it)
     * @param hostFiles files of the host to place at the same path in the guest: the
     *     libraries ({@link SharedLibraries}) and {@link #LOCALE}; a file reached by two paths
     *     is stored once, the later path a symbolic link to the first
     * @param appModule the unikernel's module ({@code -m MODULE}, or {@code MODULE/CLASS} for a
     *     module without a main class)
     * @param aotCache an AOT cache for the JVM (JDK 25 {@code -XX:AOTCache}), placed at
     *     {@code /mirage/APP.aot} and named in {@link #JAVA_ARGS}; the training step that makes
     *     one is the caller's
     */
    /** The permission bits of {@code file}. */
    static int mode(Path file) throws IOException {
        int mode = 0;
        for (java.nio.file.attribute.PosixFilePermission p : Files.getPosixFilePermissions(file)) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }

    public static Cpio assemble(Path runtime, String launcher, String appModule, List<SharedLibraries.Placement> hostFiles,
            List<KernelModules.Module> modules, Optional<Path> aotCache) throws IOException {
        Cpio cpio = new Cpio();
        try (Stream<Path> walk = Files.walk(runtime)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                String rel = runtime.relativize(p).toString();
                if (rel.isEmpty() || rel.equals(launcher)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    cpio.add(rel, new Cpio.Directory(0755));
                } else if (Files.isRegularFile(p)) {
                    cpio.add(rel, new Cpio.FileEntry(Files.isExecutable(p) ? 0755 : 0644, p));
                }
            }
        }
        // a library reached by two paths (the interpreter's /lib64 name and its multiarch one)
        // is stored once; the other path is a link to it
        Map<Path, String> stored = new HashMap<>();
        for (SharedLibraries.Placement lib : hostFiles) {
            String rel = lib.guestPath().substring(1);
            if (cpio.contains(rel)) {
                throw new IOException("the library " + lib.guestPath() + " would replace the image's own file");
            }
            String first = stored.putIfAbsent(lib.hostFile(), lib.guestPath());
            cpio.add(rel, first == null ? new Cpio.FileEntry(mode(lib.hostFile()), lib.hostFile()) : new Cpio.Symlink(first));
        }
        cpio.add("dev", new Cpio.Directory(0755));
        cpio.add("dev/console", new Cpio.CharDevice(0600, 5, 1));
        cpio.add("dev/null", new Cpio.CharDevice(0666, 1, 3));
        cpio.add("dev/random", new Cpio.CharDevice(0666, 1, 8));
        cpio.add("dev/urandom", new Cpio.CharDevice(0666, 1, 9));
        cpio.add("dev/ttyS1", new Cpio.CharDevice(0600, 4, 65));
        cpio.add("proc", new Cpio.Directory(0555));
        StringBuilder args = new StringBuilder();
        if (aotCache.isPresent()) {
            String aot = "mirage/" + appModule.split("/")[0] + ".aot";
            cpio.add(aot, new Cpio.FileEntry(0644, aotCache.get()));
            // a cache the guest's JVM refuses is skipped, and says so on stderr, not on the console's output
            for (String o : mirage.link.internal.AotCache.QUIET_OPTIONS) {
                args.append(o).append('\n');
            }
            args.append("-XX:AOTCache=/").append(aot).append('\n');
        }
        args.append("-m ").append(appModule).append('\n');
        cpio.add(JAVA_ARGS, new Cpio.Bytes(0644, args.toString().getBytes(StandardCharsets.UTF_8)));
        if (!modules.isEmpty()) {
            StringBuilder order = new StringBuilder();
            for (KernelModules.Module m : modules) {
                String rel = MODULES + "/" + m.name() + ".ko";
                cpio.add(rel, new Cpio.Bytes(0644, m.bytes()));
                order.append('/').append(rel).append('\n');
            }
            cpio.add(MODULE_ORDER, new Cpio.Bytes(0644, order.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return cpio;
    }
}
