/**
 * The XenBus handshake between a device's front end and back end (io/xenbus.h; the state
 * diagrams of io/blkif.h), as two sans-IO state machines: each takes the other end's
 * published state and says what its driver must do next, and which state it publishes. The
 * drivers ({@code binding.front}, {@code binding.back}) do the work; these decide when.
 */
package mirage.platform.xen.internal.engine.xenbus;
