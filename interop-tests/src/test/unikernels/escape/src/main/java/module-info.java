/** A unikernel that tries to leave its sandbox, booted by interop-tests' SandboxImageTest. */
module escape {
    requires mirage.core;

    exports escape;
}
