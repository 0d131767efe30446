/**
 * The sans-IO IPv6 engines (not exported): {@link mirage.net.internal.engine.ipv6.Ipv6Engine}
 * (receive with the extension-header chain's verdicts, neighbour discovery answers, echo,
 * errors, next hop; decision 0069), fragmentation at the source
 * ({@link mirage.net.internal.engine.ipv6.Ipv6Fragmenter}), bounded reassembly
 * ({@link mirage.net.internal.engine.ipv6.Ipv6Reassembly}) and path MTU discovery
 * ({@link mirage.net.internal.engine.ipv6.Ipv6PathMtus}) (decision 0068). Bytes, events and
 * {@code now} (monotonic nanoseconds) in; bytes, events and the next deadline out. No clock,
 * thread or randomness of their own (draws take the {@code Rng} they are given).
 */
package mirage.net.internal.engine.ipv6;
