/**
 * The ARP engine (RFC 826, with RFC 5227 probing and announcing): a sans-IO state machine
 * driven by received frames, queries and {@code poll(now)}, which returns the next deadline.
 * Time and randomness are parameters (DESIGN.md §3).
 */
package mirage.net.internal.engine.arp;
