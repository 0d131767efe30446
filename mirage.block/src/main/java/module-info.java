/** Block devices, partitions and block-backed stores. Not written yet: only the module exists. */
module mirage.block {
    requires mirage.core;
}
