package mirage.link;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {
    /**
     * jlink's plugin registry, opened to the link tool with {@code --add-exports}
     * (docs/decisions/0004-link-pipeline.md), and {@code mirage.core}'s host file-tree reader,
     * exported to it for packed stores (decision 0055).
     */
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("jdk.tools.jlink.internal", "mirage.core.internal.files");
    }
}
