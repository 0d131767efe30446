/**
 * Bindings (DESIGN.md section 3): what drives the engines from the hypervisor SPI and a
 * domain's event thread. {@code event}: a domain's event-channel dispatch and how its code
 * waits; {@code xenstore}: xenstore's client and xenstored's connections (ring, UNIX socket,
 * in-process); {@code front}: a guest's netfront, blkfront and console; {@code back}: the
 * control domain's netback, blkback and console back end; {@code host}: the simulated host
 * (control domain loop, toolstack, TAP bridge) an image runs its guest on. Front ends never
 * reach back ends or the simulator except through the SPI and xenstore; the architecture test
 * keeps it so.
 */
package mirage.platform.xen.internal.binding;
