/**
 * The unikernel description DSL, what MirageOS writes in {@code config.ml}: a {@link
 * mirage.link.Description} returns a {@link mirage.link.Job} naming the unikernel's {@code start}
 * method ({@code Main::start}) and, for each of its parameters, an {@link mirage.link.Impl}
 * whose type javac checks against the parameter's: a device implementation ({@link
 * mirage.link.Devices}), a runtime argument, or a configure-time choice. Equal implementations
 * are one device. Signatures only.
 */
package mirage.link;
