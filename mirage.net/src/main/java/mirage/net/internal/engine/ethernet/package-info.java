/**
 * The Ethernet II engine: checks received frames (ours, untagged) for the binding to hand to the
 * layer of their EtherType, and writes headers with our source address. Sans-IO (DESIGN.md §3): frames and <em>now</em>
 * in, frames out through a {@link mirage.net.internal.engine.ethernet.FrameSink}; no clock, no
 * thread. Confined to the event loop's thread.
 */
package mirage.net.internal.engine.ethernet;
