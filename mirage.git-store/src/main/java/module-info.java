/** A versioned, mergeable key-value store on git. Not written yet: only the module exists. */
module mirage.gitstore {
    requires mirage.core;
}
