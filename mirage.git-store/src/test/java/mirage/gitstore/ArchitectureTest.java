package mirage.gitstore;

import java.util.List;
import mirage.testkit.ModuleArchitectureTest;

/**
 * Layer and internal-package rules. JGit keeps its storage implementations, public and meant
 * for storage backends (Gerrit's and Google's DFS stores build on them), in packages it names
 * {@code internal}: the in-memory backend extends the DFS classes and the disk backend opens a
 * {@code FileRepository} (docs/decisions/0020).
 */
class ArchitectureTest implements ModuleArchitectureTest {
    @Override
    public List<String> sharedInternalPackages() {
        return List.of("org.eclipse.jgit.internal.storage.dfs", "org.eclipse.jgit.internal.storage.pack",
                "org.eclipse.jgit.internal.storage.file");
    }
}
