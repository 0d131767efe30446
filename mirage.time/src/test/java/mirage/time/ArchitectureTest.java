package mirage.time;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {
    /**
     * The JDK's continuations, which simulated tasks are made of; opened to this module with
     * {@code --add-exports} (docs/decisions/0011-simulation.md).
     */
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("jdk.internal.vm");
    }
}
