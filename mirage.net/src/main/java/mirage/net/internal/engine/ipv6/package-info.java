/**
 * The sans-IO IPv6 engine (not exported): bytes, events and {@code now} (monotonic nanoseconds)
 * in; bytes, events and the next deadline out. No clock, thread or randomness of its own
 * (the neighbour cache's draw of ReachableTime takes the {@code Rng} it is given).
 */
package mirage.net.internal.engine.ipv6;
