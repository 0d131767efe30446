/**
 * The versioned store signatures; see the mirage.git-store issue.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.gitstore;
