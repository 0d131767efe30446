/**
 * Entry points to the Xen PV platform; see the mirage.platform-xen issue.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.platform.xen;
