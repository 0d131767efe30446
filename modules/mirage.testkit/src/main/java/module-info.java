/**
 * Test support for every mirage module: the signature-only-exports check, the module-surface
 * golden check, the architecture (layer) rules (docs/decisions/0003-signature-only-exports.md),
 * and the one fake platform and event loops on virtual time that every module's tests use
 * ({@link mirage.testkit.VirtualPlatform}, {@link mirage.testkit.ManualLoop}; docs/decisions/
 * 0048-one-test-kit.md). Used with test scope only. It requires {@code mirage.core}, whose
 * platform SPI it implements; {@code mirage.core}'s own tests compile these sources in rather
 * than depend on it (that would be a cycle).
 *
 * <p>ArchUnit has no module descriptor; its automatic module is required transitively because
 * {@code ArchitectureRules} returns its types.
 */
@SuppressWarnings("requires-transitive-automatic")
module mirage.testkit {
    requires transitive mirage.core;
    requires transitive org.junit.jupiter.api;
    requires transitive com.tngtech.archunit;

    exports mirage.testkit;
}
