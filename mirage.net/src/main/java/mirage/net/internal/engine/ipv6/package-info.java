/**
 * The sans-IO IPv6 engines (not exported): fragmentation at the source
 * ({@link mirage.net.internal.engine.ipv6.Ipv6Fragmenter}), bounded reassembly
 * ({@link mirage.net.internal.engine.ipv6.Ipv6Reassembly}) and path MTU discovery
 * ({@link mirage.net.internal.engine.ipv6.Ipv6PathMtus}) (decision 0068). Bytes, events and
 * {@code now} (monotonic nanoseconds) in; bytes, events and the next deadline out. No clock,
 * thread or randomness of their own.
 */
package mirage.net.internal.engine.ipv6;
