/**
 * The simulated host an image runs its guest on (docs/decisions/0043): the control domain's
 * event loop ({@link mirage.platform.xen.internal.binding.host.DomainLoop}), the toolstack
 * that builds a guest and writes the xenstore tree for its devices
 * ({@link mirage.platform.xen.internal.binding.host.Toolstack}), and the {@code xen} target's
 * platform ({@link mirage.platform.xen.internal.binding.host.XenPlatform}), which builds that
 * host in the image's process and attaches each device's back end and front end, a netback
 * bridged to the host's TAP, interface or socket ({@code NetAttach}), a blkback on a file
 * ({@code BlockAttach}).
 */
package mirage.platform.xen.internal.binding.host;
