package mirage.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import mirage.testkit.internal.ClassFiles;
import mirage.testkit.internal.SignatureChecker;

/**
 * Where a module lives: its root folder (beside {@code pom.xml}, where the golden file is
 * checked in) and its compiled classes (holding {@code module-info.class}).
 *
 * @param root    the module's root folder
 * @param classes the module's class output folder, normally {@code root/target/classes}
 */
public record ModuleLocation(Path root, Path classes) {
    /** System property naming the module root; the parent POM passes {@code ${project.basedir}}. */
    public static final String DIR_PROPERTY = "mirage.module.dir";
    /** System property naming the classes folder; the parent POM passes the output directory. */
    public static final String CLASSES_PROPERTY = "mirage.module.classes";

    public ModuleLocation {
        root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        classes = Objects.requireNonNull(classes, "classes").toAbsolutePath().normalize();
    }

    /** The module of {@code root}, compiled to the Maven default {@code root/target/classes}. */
    public static ModuleLocation of(Path root) {
        return new ModuleLocation(root, root.resolve("target").resolve("classes"));
    }

    /**
     * The module whose tests are running: from the system properties {@value #DIR_PROPERTY} and
     * {@value #CLASSES_PROPERTY} when set (Surefire, through the parent POM), else from the
     * working directory, which Surefire sets to the module's root.
     */
    public static ModuleLocation current() {
        Path root = Path.of(nonBlank(System.getProperty(DIR_PROPERTY), System.getProperty("user.dir")));
        String classes = System.getProperty(CLASSES_PROPERTY);
        return classes == null || classes.isBlank()
                ? of(root)
                : new ModuleLocation(root, Path.of(classes));
    }

    /** The checked-in rendering of the module descriptor: {@code root/module-surface.txt}. */
    public Path golden() {
        return root.resolve(ModuleSurface.GOLDEN_FILE);
    }

    /** The compiled module descriptor: {@code classes/module-info.class}. */
    public Path moduleInfo() {
        return classes.resolve("module-info.class");
    }

    /** The module's name, from its compiled descriptor. */
    public String name() {
        return ClassFiles.moduleAttribute(classes).moduleName().name().stringValue();
    }

    /** The packages the module exports to everyone (not qualified exports), dotted, sorted. */
    public List<String> exportedPackages() {
        return SignatureChecker.unqualifiedExports(ClassFiles.moduleAttribute(classes)).stream()
                .map(p -> p.replace('/', '.'))
                .toList();
    }

    /** The packages holding the module's class files, dotted, sorted. */
    public List<String> packages() {
        return ClassFiles.packagesUnder(classes);
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
