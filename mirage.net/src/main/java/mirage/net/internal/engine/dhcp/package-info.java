/**
 * The sans-IO DHCP client (RFC 2131 section 4.4, RFC 2132 options), not exported: server
 * messages, calls and {@code now} (monotonic nanoseconds) in; client messages, lease events and
 * the next deadline out. No clock, thread or randomness of its own (DESIGN.md section 3).
 */
package mirage.net.internal.engine.dhcp;
