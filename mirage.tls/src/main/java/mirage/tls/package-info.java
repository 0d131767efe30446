/**
 * TLS client and server configuration and the TLS flow; see the mirage.tls issue.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.tls;
