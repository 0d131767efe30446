/**
 * Key-value signatures (mirage-kv 6 semantics) and Key; see the mirage.kv issue.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.kv;
