package mirage.platform.solo5;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {
    /** {@code mirage.core} exports its host file-tree reader to this module (KV_RO devices). */
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("mirage.core.internal.files");
    }
}
