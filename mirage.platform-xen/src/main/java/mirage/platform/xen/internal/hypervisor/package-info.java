/**
 * The hypervisor SPI: the few primitives Xen's PV protocols need from the hypervisor, as one
 * domain sees them ({@link mirage.platform.xen.internal.hypervisor.Hypervisor}): pages of its
 * memory, grants of them to other domains and maps and copies of other domains' grants
 * (version-1 grant tables), event channels (allocate unbound, bind interdomain, notify, close,
 * the ports that fired, a wait with a deadline), the start-of-day xenstore and console rings,
 * and a monotonic clock. Signatures only.
 *
 * <p>Two implementations are designed: the simulated hypervisor of
 * {@code mirage.platform.xen.internal.sim} (several domains in one process), and a Linux PVH
 * guest's {@code /dev/xen/{xenbus,gntalloc,gntdev,evtchn}} (on paper:
 * docs/decisions/0041-xen-hypervisor-spi.md). Front ends, back ends and xenstore reach the hypervisor through
 * this package only; the architecture test keeps it so.
 */
package mirage.platform.xen.internal.hypervisor;
