package mirage.link.internal.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mirage.link.internal.Files2;
import mirage.link.internal.LinkException;
import mirage.link.internal.Progress;

/**
 * The default kernel of a microVM image: Debian's cloud kernel. The metapackage
 * {@value #METAPACKAGE} names the current versioned package ({@code linux-image-RELEASE-cloud-amd64});
 * {@code apt-get download} fetches it (no root, nothing installed) and {@code dpkg-deb -x}
 * unpacks it into a cache outside the repository, {@code CACHE/kernels/PACKAGE_VERSION/}, once
 * per version. Concurrent builds wait for one another on a lock file.
 */
public final class DebianKernel {
    public static final String METAPACKAGE = "linux-image-cloud-amd64";
    private static final long TOOL_LIMIT_MINUTES = 15;

    /**
     * An unpacked kernel package.
     *
     * @param name e.g. {@code linux-image-6.1.0-57-cloud-amd64}
     * @param version the package version, e.g. {@code 6.1.192-3}
     * @param root where the package's files are ({@code boot/}, {@code lib/modules/})
     */
    public record Unpacked(String name, String version, Path root) {
        /** The release, e.g. {@code 6.1.0-57-cloud-amd64}: the package name without {@code linux-image-}. */
        public String release() {
            return name.substring("linux-image-".length());
        }

        public Path vmlinuz() {
            return root.resolve("boot/vmlinuz-" + release());
        }

        public Path config() {
            return root.resolve("boot/config-" + release());
        }

        public Path modules() {
            return root.resolve("lib/modules/" + release());
        }

        public String origin() {
            return "Debian's " + name + " " + version;
        }
    }

    private DebianKernel() {}

    /** {@code $XDG_CACHE_HOME/mirage} or {@code ~/.cache/mirage}. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mirage");
    }

    /**
     * The current cloud kernel, downloaded and unpacked into {@code cache} unless it is there.
     *
     * @throws LinkException one line: apt-get, apt-cache or dpkg-deb missing, the package
     *     unknown to apt, the download or unpacking failed
     */
    public static Unpacked fetch(Path cache, Progress progress) throws LinkException {
        String[] pkg = versionedPackage(run(List.of("apt-cache", "show", "--no-all-versions", METAPACKAGE), null,
                "apt-cache knows no package " + METAPACKAGE + " (run apt-get update), or give --kernel=PATH"));
        Path kernels = cache.resolve("kernels");
        Path dir = kernels.resolve(pkg[0] + "_" + pkg[1]);
        Unpacked unpacked = new Unpacked(pkg[0], pkg[1], dir.resolve("root"));
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            return unpacked;
        }
        try {
            Files.createDirectories(kernels);
            try (FileChannel lockFile = FileChannel.open(kernels.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (Files.isRegularFile(dir.resolve(".complete"))) {
                    return unpacked; // another build fetched it while this one waited
                }
                progress.step("downloading the kernel " + pkg[0] + " " + pkg[1] + " with apt-get into " + kernels);
                Path tmp = Files.createTempDirectory(kernels, pkg[0] + ".");
                try {
                    run(List.of("apt-get", "-q", "download", pkg[0] + "=" + pkg[1]), tmp,
                            "apt-get download " + pkg[0] + "=" + pkg[1] + " failed (is the network reachable?); or give --kernel=PATH");
                    Path deb;
                    try (Stream<Path> s = Files.list(tmp)) {
                        deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                                .orElseThrow(() -> new LinkException("apt-get download left no .deb in " + tmp));
                    }
                    run(List.of("dpkg-deb", "-x", deb.toString(), tmp.resolve("root").toString()), null,
                            "dpkg-deb could not unpack " + deb.getFileName());
                    Files.delete(deb);
                    Files.writeString(tmp.resolve(".complete"), pkg[0] + " " + pkg[1] + "\n", StandardCharsets.UTF_8);
                    Files2.deleteTree(dir);
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    if (Files.exists(tmp)) {
                        Files2.deleteTree(tmp);
                    }
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot fill the kernel cache " + kernels + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(unpacked.vmlinuz())) {
            throw new LinkException(unpacked.origin() + " has no " + unpacked.vmlinuz() + ": give --kernel=PATH");
        }
        return unpacked;
    }

    /**
     * The first {@code linux-image-*} package the metapackage's {@code Depends:} names, and
     * its version ({@code (= VERSION)}), from {@code apt-cache show} output.
     */
    static String[] versionedPackage(String show) throws LinkException {
        for (String line : show.split("\n")) {
            if (!line.startsWith("Depends:")) {
                continue;
            }
            for (String dep : line.substring(8).split(",")) {
                String d = dep.strip().split("\\|")[0].strip();
                if (d.startsWith("linux-image-")) {
                    int paren = d.indexOf('(');
                    String name = (paren < 0 ? d : d.substring(0, paren)).strip();
                    String version = paren < 0 ? "" : d.substring(paren + 1, d.indexOf(')', paren)).replaceFirst("^=\\s*", "").strip();
                    if (!name.matches("linux-image-[A-Za-z0-9.+~-]+") || !version.matches("[A-Za-z0-9.+~:-]+")) {
                        break;
                    }
                    return new String[] {name, version};
                }
            }
        }
        throw new LinkException("apt-cache show " + METAPACKAGE + " names no linux-image package with a version in its Depends:"
                + " give --kernel=PATH");
    }

    /** Runs a tool; returns its standard output, or throws with {@code failure} and the tool's last error line. */
    static String run(List<String> command, Path dir, String failure) throws LinkException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LinkException("building a virtio image fetches Debian's kernel with " + command.getFirst()
                    + ", which this machine lacks (Debian: apt-get install apt dpkg); or give --kernel=PATH", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
        try {
            if (!p.waitFor(TOOL_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new LinkException(failure + " (" + String.join(" ", command) + " ran for " + TOOL_LIMIT_MINUTES + " minutes)");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LinkException(failure + " (interrupted)", e);
        }
        if (p.exitValue() != 0) {
            List<String> lines = new ArrayList<>(err.join().lines().filter(l -> !l.isBlank() && !l.startsWith("W: ")).toList());
            throw new LinkException(failure + (lines.isEmpty() ? "" : ": " + lines.getLast().strip()));
        }
        return out.join();
    }

    private static String slurp(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
