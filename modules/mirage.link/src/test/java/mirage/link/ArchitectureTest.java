package mirage.link;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {
    /**
     * jlink's plugin registry: the one internal the link tool needs, opened to it with
     * {@code --add-exports} (docs/decisions/0004-link-pipeline.md).
     */
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("jdk.tools.jlink.internal");
    }
}
