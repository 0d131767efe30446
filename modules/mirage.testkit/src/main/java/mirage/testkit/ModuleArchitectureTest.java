package mirage.testkit;

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

    @Test
    default void layersFollowTheDesign() {
        ArchitectureRules.layers().check(ArchitectureRules.importModule(module()));
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
