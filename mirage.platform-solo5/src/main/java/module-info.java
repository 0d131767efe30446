/**
 * The Solo5 platform: Solo5's device model (a manifest of named devices bound on the command
 * line), clocks, console, entropy and {@code yield}, for a unikernel running as a process or in
 * a microVM. Exports one interface of static factories, used by generated boot classes and by
 * tests; everything else is internal.
 */
module mirage.platform.solo5 {
    requires transitive mirage.core;
    // Only for NET_BASIC devices: images without mirage.net never load the classes that use
    // it (docs/decisions/0015-host-netif.md).
    requires static mirage.net;
    // Only for BLOCK_BASIC devices, likewise.
    requires static mirage.block;

    exports mirage.platform.solo5;
}
