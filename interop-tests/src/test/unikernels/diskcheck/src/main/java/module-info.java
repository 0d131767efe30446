/** A test unikernel: sector 0 of a block device, written and read back. */
module diskcheck {
    requires transitive mirage.core;
    requires transitive mirage.block;

    exports diskcheck;
}
