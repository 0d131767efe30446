package mirage.core.spi;

/** The kinds of device a manifest can name, after Solo5's device types. */
public enum DeviceKind {
    /** An Ethernet interface: frames in, frames out (Solo5 {@code NET_BASIC}). */
    NET_BASIC("net"),
    /** A block device of fixed-size sectors (Solo5 {@code BLOCK_BASIC}). */
    BLOCK_BASIC("block"),
    /**
     * A read-only key-value store ({@code mirage.kv.KvRo}, MirageOS's {@code kv_ro}): a host
     * directory or tar file, read whole into memory when bound ({@code --kv:NAME=PATH}), so
     * that nothing after binding touches the host's files. Not a Solo5 device kind: this
     * project's, for the process target.
     */
    KV_RO("kv");

    private final String option;

    DeviceKind(String option) {
        this.option = option;
    }

    /** The word used in the device-binding option, as in {@code --net:NAME=...}. */
    public String option() {
        return option;
    }
}
