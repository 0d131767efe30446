/**
 * The unikernel description DSL, what MirageOS writes in {@code config.ml}: a {@link
 * mirage.link.Description} returns a {@link mirage.link.Job} naming the unikernel's main class
 * and, for each parameter of its {@code start} method, an {@link mirage.link.Impl}: a device
 * implementation ({@link mirage.link.Devices}) or a runtime argument. Signatures only.
 */
package mirage.link;
