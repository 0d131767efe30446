/**
 * Links for tests and tools: {@link mirage.net.internal.link.SimSwitch}, an in-memory Ethernet
 * switch with seeded impairments, driven by an event loop (a simulation's, on virtual time).
 */
package mirage.net.internal.link;
