package mirage.platform.solo5;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {
    /**
     * {@code mirage.core} exports its host file-tree reader (KV_RO devices) and its one-line
     * error text ({@code Printable}) to this module.
     */
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("mirage.core.internal.files", "mirage.core.internal.text");
    }
}
