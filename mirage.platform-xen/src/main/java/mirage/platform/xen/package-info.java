/**
 * Entry points to the Xen PV platform: {@link mirage.platform.xen.Xen}'s factories, which the
 * link tool's boot class for {@code -t xen} calls.
 */
package mirage.platform.xen;
