package mirage.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles small modules in-process into a module folder laid out as Maven does. */
final class TestModules {
    private TestModules() {}

    /**
     * Writes {@code sources} (path under {@code src/main/java} to text) below {@code root} and
     * compiles them into {@code root/target/classes}.
     *
     * @param modulePath compiled modules the sources may require
     */
    static ModuleLocation compile(Path root, Map<String, String> sources, Path... modulePath) throws IOException {
        ModuleLocation module = ModuleLocation.of(root);
        Path src = root.resolve("src/main/java");
        List<Path> files = new ArrayList<>();
        for (var source : sources.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file);
        }
        Files.createDirectories(module.classes());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests need a JDK, not a JRE");
        List<String> options = new ArrayList<>(List.of("-d", module.classes().toString(), "-nowarn"));
        if (modulePath.length > 0) {
            options.add("--module-path");
            options.add(String.join(java.io.File.pathSeparator,
                    java.util.Arrays.stream(modulePath).map(Path::toString).toList()));
        }
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files2 = javac.getStandardFileManager(null, null, null)) {
            boolean ok = javac.getTask(log, files2, null, options, null,
                    files2.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new AssertionError("test module did not compile:\n" + log);
            }
        }
        return module;
    }
}
