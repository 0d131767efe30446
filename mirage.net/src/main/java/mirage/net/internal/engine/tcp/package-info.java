/**
 * The sans-IO TCP engine (not exported): segments, calls and {@code now} (monotonic
 * nanoseconds) in; segments, events and the next deadline out. No clock, thread or randomness
 * of its own. Start at {@link mirage.net.internal.engine.tcp.TcpEngine}, which holds the
 * connections and hands work to its parts: {@code UserCalls}; {@code ListenInput},
 * {@code SynSentInput} and {@code SynchronizedInput} for arriving segments by state group;
 * {@code Acknowledgments} with the {@code SackScoreboard}; the {@code ReassemblyQueue};
 * {@code SynCookies}; {@code Output} over the {@code SegmentWriter}; and {@code TcpTimers}, the
 * timer structure that gives the engine's next deadline exactly.
 */
package mirage.net.internal.engine.tcp;
