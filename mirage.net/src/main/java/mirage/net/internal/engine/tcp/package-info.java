/**
 * The sans-IO TCP engine (not exported): segments, calls and {@code now} (monotonic
 * nanoseconds) in; segments, events and the next deadline out. No clock, thread or randomness
 * of its own. Start at {@link mirage.net.internal.engine.tcp.TcpEngine}.
 */
package mirage.net.internal.engine.tcp;
