package mirage.testkit;

import org.junit.jupiter.api.Test;

/**
 * The module-surface checks as JUnit tests. A module adds one test class,
 * {@code class SurfaceTest implements ModuleSurfaceTest {}}, and its golden file
 * {@value ModuleSurface#GOLDEN_FILE} (created by running once with
 * {@code -Dmirage.surface.update=true}). The module is found by {@link ModuleLocation#current()};
 * override {@link #module()} to point elsewhere.
 */
public interface ModuleSurfaceTest {

    /** The module under test. */
    default ModuleLocation module() {
        return ModuleLocation.current();
    }

    @Test
    default void descriptorMatchesGoldenFile() {
        ModuleSurface.checkDescriptor(module(), GoldenMode.fromSystemProperties());
    }

    @Test
    default void exportedPackagesHoldOnlySignatures() {
        ModuleSurface.checkSignatures(module());
    }
}
