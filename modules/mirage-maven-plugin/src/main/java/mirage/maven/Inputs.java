package mirage.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * What an image is linked from, as one SHA-256, so that {@code mirage:image} relinks only when
 * something changed (as {@code ./mirage run} does): the tool's arguments (target, profile,
 * keys, options, the module path), the JDK, the content of every jar and directory on the
 * module path, the project's {@code src/main/java}, {@code Config.java},
 * {@code aot-training.args}, {@code aot-training.requests} and {@code link.keep}, a profile
 * given as a file, and the kernel files. The digest of the last successful link is kept in the build directory; the image is
 * up to date when it matches and the image's launcher exists.
 */
final class Inputs {
    /** The stamp file in the build directory. */
    static final String STAMP = "inputs.sha256";

    private final Path project;
    private final Path build;
    private final Path image;

    Inputs(Path project, Path build, Path image) {
        this.project = project;
        this.build = build;
        this.image = image;
    }

    /** The digest of the inputs of a {@code build} with {@code arguments}. */
    String digest(List<String> arguments, Path jdk, java.io.File kernel, java.io.File kernelModules)
            throws MojoExecutionException {
        MessageDigest d = sha256();
        try {
            for (String a : arguments) {
                text(d, "arg", a);
            }
            text(d, "jdk", jdk.toAbsolutePath().toString());
            List<Path> files = new ArrayList<>();
            int lib = arguments.indexOf("--lib");
            if (lib >= 0 && lib + 1 < arguments.size()) {
                for (String p : arguments.get(lib + 1).split(java.io.File.pathSeparator)) {
                    files.add(Path.of(p));
                }
            }
            files.add(project.resolve("src/main/java"));
            files.add(project.resolve("Config.java"));
            files.add(project.resolve("aot-training.args"));
            files.add(project.resolve("aot-training.requests"));
            files.add(project.resolve("link.keep"));
            int profile = arguments.indexOf("--profile");
            if (profile >= 0 && profile + 1 < arguments.size()) {
                files.add(project.resolve(arguments.get(profile + 1)));
            }
            if (kernel != null) {
                files.add(kernel.toPath());
            }
            if (kernelModules != null) {
                files.add(kernelModules.toPath());
            }
            for (Path f : files) {
                tree(d, f);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("mirage: cannot read the image's inputs: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Whether the image was linked from inputs of {@code digest} and is still there. */
    boolean upToDate(String digest) {
        try {
            Path stamp = build.resolve(STAMP);
            if (!Files.isRegularFile(stamp) || !digest.equals(Files.readString(stamp, StandardCharsets.US_ASCII).strip())) {
                return false;
            }
            String name = RunMojo.imageName(build.resolve("boot-plan"));
            return Files.isExecutable(image.resolve("bin").resolve(name));
        } catch (IOException | MojoExecutionException e) {
            return false;
        }
    }

    /** Records that the image was linked from inputs of {@code digest}. */
    void linked(String digest) throws MojoExecutionException {
        try {
            Files.createDirectories(build);
            Files.writeString(build.resolve(STAMP), digest + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new MojoExecutionException("mirage: cannot write " + build.resolve(STAMP) + ": " + e.getMessage(), e);
        }
    }

    /** A file's or a directory's content (every file under it, by sorted relative path); absent counts too. */
    private static void tree(MessageDigest d, Path root) throws IOException {
        text(d, "root", root.toAbsolutePath().toString());
        if (!Files.exists(root)) {
            text(d, "absent", "");
            return;
        }
        if (Files.isRegularFile(root)) {
            file(d, root);
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            text(d, "file", root.relativize(f).toString());
            file(d, f);
        }
    }

    private static void file(MessageDigest d, Path f) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
                length += n;
            }
        }
        text(d, "length", Long.toString(length));
    }

    /** A tagged, length-prefixed string, so that no two sequences of inputs digest alike. */
    private static void text(MessageDigest d, String tag, String value) {
        byte[] b = (tag + "\0" + value).getBytes(StandardCharsets.UTF_8);
        d.update((byte) (b.length >>> 24));
        d.update((byte) (b.length >>> 16));
        d.update((byte) (b.length >>> 8));
        d.update((byte) b.length);
        d.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
