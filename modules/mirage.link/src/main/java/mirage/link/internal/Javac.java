package mirage.link.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** The JDK's compiler, in-process. */
final class Javac {
    private Javac() {}

    /** Compiles {@code sources} into {@code out} (emptied first) with {@code options}. */
    static void compile(String what, List<Path> sources, Path out, List<String> options) throws LinkException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new LinkException("no Java compiler in this runtime: run the link tool on a JDK");
        }
        Files2.deleteTree(out);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new LinkException("cannot create " + out + ": " + e.getMessage(), e);
        }
        List<String> all = new ArrayList<>(List.of("--release", "25", "-d", out.toString(), "-Xlint:all,-module,-exports,-missing-explicit-ctor",
                "-XDstringConcat=inline"));
        all.addAll(options);
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            boolean ok = javac.getTask(log, files, null, all, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new LinkException("compiling " + what + " failed:\n" + log.toString().strip());
            }
            if (!log.toString().isBlank()) {
                System.err.println(log.toString().strip());
            }
        } catch (IOException e) {
            throw new LinkException("compiling " + what + ": " + e.getMessage(), e);
        }
    }

    /** Every {@code .java} file under {@code dir}, sorted. */
    static List<Path> sourcesUnder(Path dir) throws LinkException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new LinkException("cannot list sources under " + dir + ": " + e.getMessage(), e);
        }
    }
}
