/**
 * The simulated host an image runs its guest on (docs/decisions/0043): the control domain's
 * event loop ({@link mirage.platform.xen.internal.binding.host.DomainLoop}), the toolstack
 * that builds a guest and writes the xenstore tree for its devices
 * ({@link mirage.platform.xen.internal.binding.host.Toolstack}), and the bridge from a
 * netback's interface to a host TAP ({@link mirage.platform.xen.internal.binding.host.TapBridge}).
 */
package mirage.platform.xen.internal.binding.host;
