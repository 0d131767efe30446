package mirage.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.ModuleAttribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reading compiled classes of a module's output directory with {@code java.lang.classfile}. */
public final class ClassFiles {
    private ClassFiles() {}

    /** Parses {@code module-info.class} at the root of {@code classes}; fails if it is absent. */
    public static ModuleAttribute moduleAttribute(Path classes) {
        Path file = classes.resolve("module-info.class");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no module-info.class in " + classes
                    + ": compile the module (mvn test-compile) before checking its surface");
        }
        return moduleAttribute(read(file));
    }

    /** Parses a {@code module-info.class} image. */
    public static ModuleAttribute moduleAttribute(byte[] moduleInfo) {
        ClassModel model = ClassFile.of().parse(moduleInfo);
        return model.findAttribute(Attributes.module()).orElseThrow(
                () -> new IllegalArgumentException(model.thisClass().asInternalName()
                        + " has no Module attribute: not a module-info.class"));
    }

    /** The class files directly inside {@code packageDir}, sorted by name; empty if absent. */
    public static List<Path> classFilesIn(Path packageDir) {
        if (!Files.isDirectory(packageDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(packageDir)) {
            return new ArrayList<>(files
                    .filter(f -> f.getFileName().toString().endsWith(".class"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packages (dotted names, sorted) that hold at least one class file under {@code classes}. */
    public static List<String> packagesUnder(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            return files
                    .filter(f -> f.getFileName().toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).getParent())
                    .filter(java.util.Objects::nonNull)
                    .map(dir -> dir.toString().replace(dir.getFileSystem().getSeparator(), "."))
                    .distinct()
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses one class file. */
    public static ClassModel parse(Path file) {
        return ClassFile.of().parse(read(file));
    }

    /**
     * Finds a class by internal name: first in {@code classes}, else as a resource of
     * {@code loader} (JDK classes and the module's dependencies on the test class path).
     */
    public static Optional<ClassModel> find(String internalName, Path classes, ClassLoader loader) {
        Path local = classes.resolve(internalName + ".class");
        if (Files.isRegularFile(local)) {
            return Optional.of(parse(local));
        }
        String resource = internalName + ".class";
        try (InputStream in = loader != null
                ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(ClassFile.of().parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
