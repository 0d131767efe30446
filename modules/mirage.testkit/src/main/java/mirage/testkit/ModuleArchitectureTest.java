package mirage.testkit;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link ArchitectureRules} as JUnit tests for one module: a module adds
 * {@code class ArchitectureTest implements ModuleArchitectureTest {}}.
 */
public interface ModuleArchitectureTest {

    /** The module under test. */
    default ModuleLocation module() {
        return ModuleLocation.current();
    }

    /**
     * Internal packages of other modules that this module may use because they are exported to
     * it by a qualified export ({@code exports p to this.module}); none by default.
     */
    default List<String> sharedInternalPackages() {
        return List.of();
    }

    /** The layer rules in force (those of the layers the module has: none in a module without layers). */
    @Test
    default void layersFollowTheDesign() {
        JavaClasses classes = ArchitectureRules.importModule(module());
        ArchitectureRules.layerRules(classes).forEach(rule -> rule.check(classes));
    }

    /**
     * No layer rule in force checks nothing: every layer a rule names holds classes of the
     * module (a binding package named otherwise than {@code binding} fails here).
     */
    @Test
    default void layerRulesMatchClasses() {
        ArchitectureRules.checkLayerRulesMatchClasses(ArchitectureRules.importModule(module()));
    }

    @Test
    default void noInternalPackageOfAnotherModuleIsReferenced() {
        ArchitectureRules.noInternalsOfOtherModules(module().packages(), sharedInternalPackages())
                .check(ArchitectureRules.importModule(module()));
    }

    @Test
    default void exportedApiExposesNoInternalType() {
        ArchitectureRules.exportedApiExposesNoInternals(module().exportedPackages())
                .check(ArchitectureRules.importModule(module()));
    }
}
