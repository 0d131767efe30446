/**
 * A versioned, mergeable key-value store on git (Irmin for Java): branches, commits, history,
 * diff, revert, test-and-set of heads, three-way merge with merge functions per key prefix,
 * watches, and a {@link mirage.kv.KvRw} view of a branch. Signatures only in
 * {@code mirage.gitstore}; the JGit backends live in {@code mirage.gitstore.internal}, and no
 * JGit type appears in the exported package.
 */
module mirage.gitstore {
    requires transitive mirage.core;
    requires transitive mirage.kv;
    requires transitive mirage.block;
    requires org.eclipse.jgit;
    // JGit's logging API: initialized quietly (internal.Stores)
    requires org.slf4j;

    exports mirage.gitstore;
}
