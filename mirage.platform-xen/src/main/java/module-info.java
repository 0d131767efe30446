/**
 * The Xen PV platform: xenstore (client and server), version-1 grant tables, 2-level event
 * channels, io/ring.h shared rings, netfront, blkfront and the PV console, over a small
 * hypervisor SPI; and a simulated hypervisor with netback, blkback, a console back end, a
 * toolstack and xenstored, on which an image runs as a guest domain (docs/decisions/0041,
 * 0042, 0043). Exports one interface of static factories; everything else is internal.
 */
module mirage.platform.xen {
    requires transitive mirage.core;
    // The simulated host bridges a guest's network to a host TAP (or raw interface, or framed
    // stream) through mirage.platform.solo5's exported factory, never its internals.
    requires mirage.platform.solo5;
    // Only for NET_BASIC and BLOCK_BASIC devices: images without them never load the classes
    // that use these modules.
    requires static mirage.net;
    requires static mirage.block;

    exports mirage.platform.xen;
}
