/**
 * The sans-IO udp engine (not exported): bytes, events and {@code now} (monotonic nanoseconds)
 * in; bytes, events and the next deadline out. No clock, thread or randomness of its own.
 */
package mirage.net.internal.engine.udp;
