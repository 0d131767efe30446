package mirage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mirage.testkit.internal.DescriptorRenderer;
import mirage.testkit.internal.Golden;
import mirage.testkit.internal.SignatureChecker;

/**
 * The two module-surface checks, read from compiled classes with {@code java.lang.classfile}
 * (no class is loaded). Decision record: {@code docs/decisions/0003-signature-only-exports.md}.
 *
 * <h2>Signature-only exports</h2>
 * Applies to modules named {@code mirage.*}; in applications (e.g. {@code hello}) only the
 * descriptor golden check applies. Only unqualified exported packages are checked
 * ({@code exports p to m} is internal sharing). Every class file directly in such a package
 * must be one of:
 * <ol>
 *   <li>{@code package-info}, or a synthetic class ({@code ACC_SYNTHETIC}, such as the
 *       switch-map class {@code Foo$1} javac generates);</li>
 *   <li>a public interface, with any abstract, default, static or private methods (static
 *       factories on interfaces are how implementations are reached), or a public annotation
 *       interface; a sealed interface may permit classes anywhere in its module;</li>
 *   <li>a public enum, or the body class of one of its constants;</li>
 *   <li>a public record;</li>
 *   <li>a public subclass of {@link Throwable}, shown by its superclass chain (superclasses
 *       outside the module are read as class-file resources of the JDK and the class path);</li>
 *   <li>a public sealed class whose permitted subclasses all lie in the same package (each of
 *       them is checked on its own).</li>
 * </ol>
 * Anything else is a violation, in particular a plain or abstract class that is not sealed,
 * and any non-public class that is not synthetic (a private or package-private nested class,
 * a local or an anonymous class): implementation belongs in an internal package.
 *
 * <h2>Descriptor golden file</h2>
 * {@link #describe(Path)} renders {@code module-info.class} as sorted text without versions;
 * the module's {@value #GOLDEN_FILE}, beside its {@code pom.xml}, must equal it. With
 * {@code -D}{@value #UPDATE_PROPERTY}{@code =true} the check rewrites the file instead of failing.
 */
public interface ModuleSurface {
    /** Name of the golden file at the root of each module. */
    String GOLDEN_FILE = "module-surface.txt";
    /** System property that turns the golden check into a rewrite of the golden file. */
    String UPDATE_PROPERTY = "mirage.surface.update";

    /** Checks both rules for the module at {@code moduleDir} (classes in {@code target/classes}). */
    static void check(Path moduleDir) {
        ModuleLocation module = ModuleLocation.of(moduleDir);
        checkDescriptor(module, GoldenMode.fromSystemProperties());
        checkSignatures(module);
    }

    /** Whether the signature-only rule applies to a module of this name: {@code mirage.*}. */
    static boolean signatureRuleApplies(String moduleName) {
        return moduleName.startsWith("mirage.");
    }

    /**
     * The violations of the signature-only rule in the module compiled to {@code classes},
     * sorted by class name, whatever the module's name. Superclasses outside the module are
     * looked up through the thread's context class loader.
     */
    static List<Violation> signatureViolations(Path classes) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return SignatureChecker.check(classes,
                loader != null ? loader : ModuleSurface.class.getClassLoader());
    }

    /**
     * Fails, listing every violation, if a {@code mirage.*} module breaks the signature-only
     * rule; does nothing for other modules.
     */
    static void checkSignatures(ModuleLocation module) {
        String name = module.name();
        if (!signatureRuleApplies(name)) {
            return;
        }
        List<Violation> violations = signatureViolations(module.classes());
        if (!violations.isEmpty()) {
            StringBuilder message = new StringBuilder("Module " + name + " exports more than signatures ("
                    + violations.size() + " violation" + (violations.size() == 1 ? "" : "s")
                    + "; docs/decisions/0003-signature-only-exports.md):");
            violations.forEach(v -> message.append("\n  ").append(v.message()));
            throw new AssertionError(message.toString());
        }
    }

    /** The stable text rendering of a {@code module-info.class} image. */
    static String describe(byte[] moduleInfo) {
        return DescriptorRenderer.render(moduleInfo);
    }

    /** The stable text rendering of {@code classes/module-info.class}. */
    static String describe(Path classes) {
        try {
            return describe(Files.readAllBytes(classes.resolve("module-info.class")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read module-info.class in " + classes
                    + ": compile the module first", e);
        }
    }

    /** The full golden-file text for a descriptor rendering: a comment line, then the rendering. */
    static String goldenText(String description) {
        return "# The module's surface, from its compiled module-info.class. Accept a change with -D"
                + UPDATE_PROPERTY + "=true: docs/decisions/0003-signature-only-exports.md\n"
                + description;
    }

    /** Compares {@code golden} with {@code actual}: fails with a diff, or rewrites it in update mode. */
    static void verifyGolden(Path golden, String actual, GoldenMode mode) {
        Golden.verify(golden, actual, mode == GoldenMode.UPDATE, UPDATE_PROPERTY);
    }

    /** Checks (or, in update mode, rewrites) the module's {@value #GOLDEN_FILE}. */
    static void checkDescriptor(ModuleLocation module, GoldenMode mode) {
        verifyGolden(module.golden(), goldenText(describe(module.classes())), mode);
    }
}
