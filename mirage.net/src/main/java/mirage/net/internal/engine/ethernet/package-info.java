/**
 * The Ethernet II engine: demultiplexes received frames by EtherType to registered upper layers
 * and writes headers with our source address. Sans-IO (DESIGN.md §3): frames and <em>now</em>
 * in, frames out through a {@link mirage.net.internal.engine.ethernet.FrameSink}; no clock, no
 * thread. Confined to the event loop's thread.
 */
package mirage.net.internal.engine.ethernet;
