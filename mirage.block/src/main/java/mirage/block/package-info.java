/**
 * The Block signature; see the mirage.block issue.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.block;
