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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Architecture rules every mirage module keeps (DESIGN.md §2 and §3), as ArchUnit rules over
 * one module's compiled classes.
 *
 * <p>The layer rules apply to the {@link Layer}s a module has ({@link #layersOf}): a module
 * without an {@code engine} package has no engine rule. A rule in force never checks nothing:
 * its own layer holds classes (ArchUnit fails a rule whose selection is empty), and every layer
 * it forbids holds classes too ({@link #checkLayerRulesMatchClasses}), so a binding package
 * named {@code stack} instead of {@code binding} is reported, not silently unchecked.
 *
 * <p>A package is <em>internal</em> when one of its name segments is {@code internal}
 * (e.g. {@code mirage.core.internal}, {@code mirage.net.internal.tcp}).
 */
public interface ArchitectureRules {

    /**
     * {@code ..wire..} imports nothing of {@code ..engine..} or {@code ..binding..}: views and
     * records hold no state machine and drive nothing.
     */
    static ArchRule wireIsStateless() {
        return noClasses().that().resideInAPackage(Layer.WIRE.packages())
                .should().dependOnClassesThat().resideInAnyPackage(Layer.ENGINE.packages(), Layer.BINDING.packages())
                .because("wire types are stateless views; engines and bindings build on them, not the reverse"
                        + " (DESIGN.md §3)");
    }

    /**
     * {@code ..engine..} is sans-IO: no threads or executors, no clock ({@link Clock},
     * {@link InstantSource}, {@code Instant.now()}, {@code System.currentTimeMillis/nanoTime}),
     * no {@link SecureRandom}, no {@code ..binding..}. Time and randomness come in as parameters.
     */
    static ArchRule enginesAreSansIo() {
        return noClasses().that().resideInAPackage(Layer.ENGINE.packages())
                .should().dependOnClassesThat().belongToAnyOf(
                        Thread.class, ThreadFactory.class, Executors.class,
                        Clock.class, InstantSource.class, SecureRandom.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().resideInAPackage(Layer.BINDING.packages())
                .because("engines take time and randomness as parameters and are driven by"
                        + " bindings, so that simulation is deterministic (DESIGN.md §3)");
    }

    /** The rule that guards {@code layer}; empty for a layer with no rule of its own (a binding). */
    static Optional<ArchRule> ruleOf(Layer layer) {
        return switch (layer) {
            case WIRE -> Optional.of(wireIsStateless());
            case ENGINE -> Optional.of(enginesAreSansIo());
            case BINDING -> Optional.empty();
        };
    }

    /** The layers the rule of {@code layer} forbids it to use: they must hold classes for the rule to check anything. */
    static Set<Layer> forbiddenTo(Layer layer) {
        return switch (layer) {
            case WIRE -> EnumSet.of(Layer.ENGINE, Layer.BINDING);
            case ENGINE -> EnumSet.of(Layer.BINDING);
            case BINDING -> EnumSet.noneOf(Layer.class);
        };
    }

    /** The layers whose packages hold at least one class of {@code classes}. */
    static Set<Layer> layersOf(JavaClasses classes) {
        Set<Layer> present = EnumSet.noneOf(Layer.class);
        for (JavaClass c : classes) {
            if (c.getSimpleName().equals("package-info")) {
                continue;
            }
            for (Layer l : Layer.values()) {
                if (l.holds(c.getPackageName())) {
                    present.add(l);
                }
            }
        }
        return present;
    }

    /** The layer rules in force for {@code classes}: one for each layer it has that has a rule. */
    static List<ArchRule> layerRules(JavaClasses classes) {
        List<ArchRule> rules = new ArrayList<>();
        for (Layer l : layersOf(classes)) {
            ruleOf(l).ifPresent(rules::add);
        }
        return rules;
    }

    /**
     * Fails unless every layer rule in force matches classes on both sides: its layer holds
     * classes (so it is in force at all), and so does every layer it forbids. A rule whose
     * forbidden layer holds nothing checks nothing: the package of that layer is named
     * otherwise (as {@code internal.stack} for a binding was), and the rule would pass whatever
     * it imports.
     *
     * @throws AssertionError naming each rule and the layer it names that holds no class
     */
    static void checkLayerRulesMatchClasses(JavaClasses classes) {
        Set<Layer> present = layersOf(classes);
        List<String> vacant = new ArrayList<>();
        for (Layer l : present) {
            for (Layer forbidden : forbiddenTo(l)) {
                if (!present.contains(forbidden)) {
                    vacant.add("the rule for " + l.packages() + " names " + forbidden.packages()
                            + ", which holds no class of this module: name the package of that layer '"
                            + forbidden.segment() + "' (DESIGN.md §3), or the rule checks nothing ("
                            + ruleOf(l).map(ArchRule::getDescription).orElse("") + ")");
                }
            }
        }
        if (!vacant.isEmpty()) {
            throw new AssertionError(String.join("\n", vacant));
        }
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
     * All rules for one module: the layer rules in force, no foreign internals (none shared with
     * it), no internals in the exported API.
     */
    static List<ArchRule> forModule(ModuleLocation module) {
        JavaClasses classes = importModule(module);
        List<ArchRule> rules = new ArrayList<>(layerRules(classes));
        rules.add(noInternalsOfOtherModules(module.packages(), List.of()));
        rules.add(exportedApiExposesNoInternals(module.exportedPackages()));
        return rules;
    }

    /** Checks {@link #forModule(ModuleLocation)} and {@link #checkLayerRulesMatchClasses} on the module's classes. */
    static void check(ModuleLocation module) {
        JavaClasses classes = importModule(module);
        checkLayerRulesMatchClasses(classes);
        forModule(module).forEach(rule -> rule.check(classes));
    }

    /** Whether a dotted package name has a segment {@code internal}. */
    static boolean isInternal(String packageName) {
        return Arrays.asList(packageName.split("\\.")).contains("internal");
    }
}
