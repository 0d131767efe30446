/**
 * The core of the library OS: the {@link mirage.core.Flow} signature, the
 * {@link mirage.core.Unikernel} contract, typed runtime arguments, and the platform SPI
 * ({@code mirage.core.spi}) that platforms implement and the generated boot class drives.
 *
 * <p>The event loop lives in {@code mirage.core.internal}, which is not exported.
 */
module mirage.core {
    exports mirage.core;
    exports mirage.core.spi;
    // a host directory read whole: KV_RO devices bound at boot, stores packed at link time (decision 0055)
    exports mirage.core.internal.files to mirage.platform.solo5, mirage.link;
    // one-line error text from boot arguments and host paths, shared with the platform's binders
    exports mirage.core.internal.text to mirage.platform.solo5;
}
