/**
 * The network stack's signatures, after mirage-tcpip (docs/decisions/0012): a network
 * interface ({@link mirage.net.Netif}), the layers above it ({@link mirage.net.Ethernet},
 * {@link mirage.net.Arp}, {@link mirage.net.Ipv4}, {@link mirage.net.Icmpv4},
 * {@link mirage.net.Udp}, {@link mirage.net.Tcp}), the {@link mirage.net.Stack} that holds them, its configuration
 * ({@link mirage.net.NetConfig}), and the address values.
 *
 * <h2>Threading</h2>
 * A stack and its interface belong to one event loop, which owns their engines (DESIGN.md §4).
 * Every method of these interfaces may be called from any thread: on the loop's thread it runs
 * at once; from another thread (an application's virtual thread) it is handed to the loop and
 * the caller blocks, through the loop's blocking primitive, until the loop has run it. The loop
 * itself never waits for another thread. Receivers (callbacks) run on the loop's thread, must
 * not block, and may call the stack's methods, which then run at once.
 *
 * <h2>Buffers</h2>
 * A buffer passed in is borrowed for the call: the bytes between position and limit are used,
 * position and limit are not changed, and no reference is kept after the call returns. A buffer
 * passed to a receiver is a read-only view lent for the duration of the call; the stack reuses
 * its memory afterwards.
 *
 * <h2>Errors</h2>
 * {@link mirage.net.NetException} with a {@link mirage.net.NetException.Reason} for what a caller
 * or operator can act on; {@link java.lang.IllegalArgumentException} for invalid arguments.
 * Bytes from the wire never throw: malformed or unwanted input is dropped, answered where an RFC
 * says so, and counted in the {@code Stats} record of the layer that dropped it.
 *
 * <h2>Addresses</h2>
 * Address records are immutable values compared by their bits. Every {@code parse} is
 * strict: it accepts one documented text form and refuses anything else with an
 * {@link java.lang.IllegalArgumentException} whose message quotes the input (escaped, cut
 * to about 64 characters) and names the rule it breaks. Their {@code toString} is a canonical form
 * that {@code parse} reads back to an equal value.
 */
package mirage.net;
