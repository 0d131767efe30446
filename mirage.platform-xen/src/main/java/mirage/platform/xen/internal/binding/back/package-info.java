/**
 * The control domain's PV back ends for the simulated host, written from the same headers as
 * the front ends: {@link mirage.platform.xen.internal.binding.back.Netback} (a guest's network
 * device seen in the control domain as a {@code mirage.net.Netif}, its {@code vif}),
 * {@link mirage.platform.xen.internal.binding.back.Blkback} (a guest's disk on a file) and
 * {@link mirage.platform.xen.internal.binding.back.ConsoleBack} (xenconsoled). They copy
 * through grants ({@code GNTTABOP_copy}) and trust nothing a front end writes.
 */
package mirage.platform.xen.internal.binding.back;
