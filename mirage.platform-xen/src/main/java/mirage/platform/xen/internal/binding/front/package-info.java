/**
 * A guest's PV drivers: {@link mirage.platform.xen.internal.binding.front.Netfront} (a
 * {@code mirage.net.Netif}), {@link mirage.platform.xen.internal.binding.front.Blkfront} (a
 * {@code mirage.block.Block}) and {@link mirage.platform.xen.internal.binding.front.ConsoleFront}
 * (the PV console). They reach the hypervisor through the SPI only, the back ends through
 * xenstore and shared rings only, and trust nothing a back end writes.
 */
package mirage.platform.xen.internal.binding.front;
