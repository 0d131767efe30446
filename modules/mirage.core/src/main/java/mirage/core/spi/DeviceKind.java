package mirage.core.spi;

/** The kinds of device a manifest can name, after Solo5's device types. */
public enum DeviceKind {
    /** An Ethernet interface: frames in, frames out (Solo5 {@code NET_BASIC}). */
    NET_BASIC("net"),
    /** A block device of fixed-size sectors (Solo5 {@code BLOCK_BASIC}). */
    BLOCK_BASIC("block");

    private final String option;

    DeviceKind(String option) {
        this.option = option;
    }

    /** The word used in the device-binding option, as in {@code --net:NAME=...}. */
    public String option() {
        return option;
    }
}
