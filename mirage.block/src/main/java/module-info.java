/**
 * Block devices: the {@link mirage.block.Block} signature, memory and file devices, views
 * (read-only, sub-range, precondition-checking, fault-injecting) and MBR/GPT partition tables.
 * Implementations live in {@code mirage.block.internal}, which is not exported.
 */
module mirage.block {
    requires transitive mirage.kv;

    exports mirage.block;
}
