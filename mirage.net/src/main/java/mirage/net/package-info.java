/**
 * The network stack's signatures, after mirage-tcpip: address values so far
 * ({@link mirage.net.MacAddress}, {@link mirage.net.Ipv4Address}, {@link mirage.net.Ipv4Cidr},
 * {@link mirage.net.Ipv6Address}, {@link mirage.net.Ipv6Cidr}).
 *
 * <p>Address records are immutable values compared by their bits. Every {@code parse} is
 * strict: it accepts one documented text form and refuses anything else with an
 * {@link java.lang.IllegalArgumentException} whose message quotes the input (escaped, cut
 * after 64 characters) and names the rule it breaks. Their {@code toString} is a canonical form
 * that {@code parse} reads back to an equal value.
 */
package mirage.net;
