/**
 * Test support for every mirage module: the signature-only-exports check, the module-surface
 * golden check and the architecture (layer) rules. Used with test scope only; depends on no
 * mirage module. The rules are written in {@code docs/decisions/0003-signature-only-exports.md}.
 */
module mirage.testkit {
    requires transitive org.junit.jupiter.api;
    requires transitive com.tngtech.archunit;

    exports mirage.testkit;
}
