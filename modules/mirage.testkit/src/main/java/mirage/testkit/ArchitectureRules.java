package mirage.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Architecture rules every mirage module keeps (DESIGN.md §2 and §3), as ArchUnit rules over
 * one module's compiled classes. Rules about layers that a module may not have yet
 * ({@code wire}, {@code engine}) allow an empty selection.
 *
 * <p>A package is <em>internal</em> when one of its name segments is {@code internal}
 * (e.g. {@code mirage.core.internal}, {@code mirage.net.internal.tcp}).
 */
public interface ArchitectureRules {

    /** {@code ..wire..} imports nothing of {@code ..engine..}: views and records hold no state machine. */
    static ArchRule wireDoesNotDependOnEngine() {
        return noClasses().that().resideInAPackage("..wire..")
                .should().dependOnClassesThat().resideInAPackage("..engine..")
                .because("wire types are stateless views; engines build on them, not the reverse"
                        + " (DESIGN.md §3)")
                .allowEmptyShould(true);
    }

    /**
     * {@code ..engine..} is sans-IO: no threads or executors, no clock ({@link Clock},
     * {@link InstantSource}, {@code Instant.now()}, {@code System.currentTimeMillis/nanoTime}),
     * no {@link SecureRandom}, no {@code ..binding..}. Time and randomness come in as parameters.
     */
    static ArchRule enginesAreSansIo() {
        return noClasses().that().resideInAPackage("..engine..")
                .should().dependOnClassesThat().belongToAnyOf(
                        Thread.class, ThreadFactory.class, Executors.class,
                        Clock.class, InstantSource.class, SecureRandom.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().resideInAPackage("..binding..")
                .because("engines take time and randomness as parameters and are driven by"
                        + " bindings, so that simulation is deterministic (DESIGN.md §3)")
                .allowEmptyShould(true);
    }

    /** Both layer rules. */
    static ArchRule layers() {
        return CompositeArchRule.of(wireDoesNotDependOnEngine()).and(enginesAreSansIo());
    }

    /**
     * The module's classes reference no internal package other than their own: a module that
     * needs another's internals is redesigned, or gets a qualified export (DESIGN.md §2).
     *
     * @param ownPackages the packages of the module under test, dotted
     * @param shared      internal packages of other modules exported to this one by a qualified
     *                    export ({@code exports p to m}), which it may use; usually empty
     */
    static ArchRule noInternalsOfOtherModules(Collection<String> ownPackages, Collection<String> shared) {
        Set<String> own = new HashSet<>(ownPackages);
        own.addAll(shared);
        return noClasses()
                .should().dependOnClassesThat(DescribedPredicate.describe(
                        "reside in an internal package of another module",
                        (JavaClass c) -> isInternal(c.getPackageName()) && !own.contains(c.getPackageName())))
                .because("internal packages are not exported; DESIGN.md §2");
    }

    /**
     * Public and protected members and supertypes of the classes in the exported packages name no
     * internal type: a user of the signature never sees the implementation. Method bodies (static
     * factories returning {@code new internal.Impl()}) are not constrained.
     *
     * @param exportedPackages the unqualified exported packages, dotted
     */
    static ArchRule exportedApiExposesNoInternals(Collection<String> exportedPackages) {
        String[] exported = exportedPackages.toArray(String[]::new);
        DescribedPredicate<JavaClass> internal = DescribedPredicate.describe(
                "an internal type", (JavaClass c) -> isInternal(c.getPackageName()));
        DescribedPredicate<JavaMember> visible = DescribedPredicate.describe(
                "are public or protected",
                (JavaMember m) -> m.getModifiers().contains(JavaModifier.PUBLIC)
                        || m.getModifiers().contains(JavaModifier.PROTECTED));
        ArchRule methods = noMethods().that().areDeclaredInClassesThat().resideInAnyPackage(exported)
                .and(visible)
                .should().haveRawReturnType(internal)
                .orShould().haveRawParameterTypes(DescribedPredicate.describe(
                        "containing an internal type",
                        (List<JavaClass> types) -> types.stream().anyMatch(internal)))
                .allowEmptyShould(true);
        ArchRule fields = noFields().that().areDeclaredInClassesThat().resideInAnyPackage(exported)
                .and(visible)
                .should().haveRawType(internal)
                .allowEmptyShould(true);
        ArchRule supertypes = noClasses().that().resideInAnyPackage(exported).and().arePublic()
                .should().beAssignableTo(internal)
                .allowEmptyShould(true);
        return CompositeArchRule.of(methods).and(fields).and(supertypes);
    }

    /** The classes of one module, imported from its classes folder (not from the class path). */
    static JavaClasses importModule(ModuleLocation module) {
        return new ClassFileImporter().importPath(module.classes());
    }

    /**
     * All rules for one module: layers, no foreign internals (none shared with it), no internals
     * in the exported API.
     */
    static List<ArchRule> forModule(ModuleLocation module) {
        return List.of(layers(),
                noInternalsOfOtherModules(module.packages(), List.of()),
                exportedApiExposesNoInternals(module.exportedPackages()));
    }

    /** Checks {@link #forModule(ModuleLocation)} on the module's classes. */
    static void check(ModuleLocation module) {
        JavaClasses classes = importModule(module);
        forModule(module).forEach(rule -> rule.check(classes));
    }

    /** Whether a dotted package name has a segment {@code internal}. */
    static boolean isInternal(String packageName) {
        return Arrays.asList(packageName.split("\\.")).contains("internal");
    }
}
