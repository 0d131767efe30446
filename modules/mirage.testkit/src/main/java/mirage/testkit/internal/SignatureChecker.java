package mirage.testkit.internal;

import java.lang.classfile.AccessFlags;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleExportInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.reflect.AccessFlag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.testkit.Violation;

/**
 * Checks the unqualified exported packages of a compiled module against the signature-only
 * rule, stated in full in {@link mirage.testkit.ModuleSurface} and in
 * {@code docs/decisions/0003-signature-only-exports.md}. Reads class files; loads no class.
 */
public final class SignatureChecker {
    private static final String THROWABLE = "java/lang/Throwable";
    private static final String RECORD = "java/lang/Record";
    private static final String ENUM = "java/lang/Enum";
    private static final int MAX_SUPERCLASS_DEPTH = 64;

    private final Path classes;
    private final ClassLoader loader;
    private final Map<String, Optional<ClassModel>> cache = new HashMap<>();

    private SignatureChecker(Path classes, ClassLoader loader) {
        this.classes = classes;
        this.loader = loader;
    }

    /**
     * Returns the violations, sorted by class name, in the module compiled to {@code classes}.
     *
     * @param loader where superclasses outside {@code classes} are looked up as resources
     */
    public static List<Violation> check(Path classes, ClassLoader loader) {
        return new SignatureChecker(classes, loader).run();
    }

    /** The unqualified exported packages of a module descriptor, internal form, sorted. */
    public static List<String> unqualifiedExports(ModuleAttribute module) {
        return module.exports().stream()
                .filter(e -> e.exportsTo().isEmpty())
                .map(ModuleExportInfo::exportedPackage)
                .map(p -> p.name().stringValue())
                .sorted()
                .toList();
    }

    private List<Violation> run() {
        List<Violation> found = new ArrayList<>();
        for (String pkg : unqualifiedExports(ClassFiles.moduleAttribute(classes))) {
            for (Path file : ClassFiles.classFilesIn(classes.resolve(pkg))) {
                checkClass(pkg, ClassFiles.parse(file)).ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparing(Violation::className));
        return List.copyOf(found);
    }

    private Optional<Violation> checkClass(String pkg, ClassModel model) {
        String name = model.thisClass().asInternalName();
        if (name.endsWith("/package-info")) {
            return Optional.empty();
        }
        AccessFlags flags = model.flags();
        if (flags.has(AccessFlag.SYNTHETIC)) {
            return Optional.empty();
        }
        String superName = model.superclass().map(ClassEntry::asInternalName).orElse("");
        if (flags.has(AccessFlag.ENUM)
                && (flags.has(AccessFlag.PUBLIC) || isEnumConstantBody(pkg, superName))) {
            return Optional.empty();
        }
        if (!flags.has(AccessFlag.PUBLIC)) {
            return violation(name, "is a non-public class (nested, local or anonymous): "
                    + "implementation belongs in an internal package");
        }
        if (flags.has(AccessFlag.INTERFACE)) {
            return Optional.empty();
        }
        if (superName.equals(RECORD) && model.findAttribute(Attributes.record()).isPresent()) {
            return Optional.empty();
        }
        Throwability throwable = throwability(superName);
        if (throwable == Throwability.YES) {
            return Optional.empty();
        }
        var permitted = model.findAttribute(Attributes.permittedSubclasses());
        if (permitted.isPresent()) {
            List<String> outside = permitted.get().permittedSubclasses().stream()
                    .map(ClassEntry::asInternalName)
                    .filter(sub -> !packageOf(sub).equals(pkg))
                    .sorted()
                    .toList();
            if (outside.isEmpty()) {
                return Optional.empty();
            }
            return violation(name, "is sealed but permits " + dotted(outside)
                    + " outside package " + pkg.replace('/', '.')
                    + ": permit only classes of its own package, or move it to an internal package");
        }
        if (throwable == Throwability.UNKNOWN) {
            return violation(name, "extends " + superName.replace('/', '.')
                    + ", which is not on the class path, so it cannot be shown to be an exception:"
                    + " put the superclass on the test class path");
        }
        if (flags.has(AccessFlag.ABSTRACT)) {
            return violation(name, "is an abstract class that is not sealed: make it an interface,"
                    + " seal it, or move it to an internal package");
        }
        return violation(name, "is a class that is neither a record, enum, exception nor sealed:"
                + " move it to an internal package");
    }

    private boolean isEnumConstantBody(String pkg, String superName) {
        if (!packageOf(superName).equals(pkg)) {
            return false;
        }
        return lookup(superName)
                .map(s -> s.flags().has(AccessFlag.ENUM)
                        && s.superclass().map(ClassEntry::asInternalName).orElse("").equals(ENUM))
                .orElse(false);
    }

    private enum Throwability { YES, NO, UNKNOWN }

    private Throwability throwability(String superName) {
        String current = superName;
        for (int depth = 0; depth < MAX_SUPERCLASS_DEPTH && !current.isEmpty(); depth++) {
            if (current.equals(THROWABLE)) {
                return Throwability.YES;
            }
            if (current.equals("java/lang/Object")) {
                return Throwability.NO;
            }
            Optional<ClassModel> model = lookup(current);
            if (model.isEmpty()) {
                return Throwability.UNKNOWN;
            }
            current = model.get().superclass().map(ClassEntry::asInternalName).orElse("");
        }
        return Throwability.NO;
    }

    private Optional<ClassModel> lookup(String internalName) {
        return cache.computeIfAbsent(internalName, n -> ClassFiles.find(n, classes, loader));
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    private static String dotted(List<String> internalNames) {
        return String.join(", ", internalNames.stream().map(n -> n.replace('/', '.')).toList());
    }

    private static Optional<Violation> violation(String internalName, String reason) {
        return Optional.of(new Violation(internalName.replace('/', '.'), reason));
    }
}
