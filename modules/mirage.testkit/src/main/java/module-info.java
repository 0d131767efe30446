/**
 * Test support for every mirage module: the signature-only-exports check, the module-surface
 * golden check and the architecture (layer) rules. Used with test scope only; depends on no
 * mirage module. The rules are written in {@code docs/decisions/0003-signature-only-exports.md}.
 *
 * <p>ArchUnit has no module descriptor; its automatic module is required transitively because
 * {@code ArchitectureRules} returns its types.
 */
@SuppressWarnings("requires-transitive-automatic")
module mirage.testkit {
    requires transitive org.junit.jupiter.api;
    requires transitive com.tngtech.archunit;

    exports mirage.testkit;
}
