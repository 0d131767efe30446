/**
 * Sans-IO engines of the Xen PV protocols (DESIGN.md section 3): the generic shared ring of
 * io/ring.h ({@link mirage.platform.xen.internal.engine.FrontRing},
 * {@link mirage.platform.xen.internal.engine.BackRing}), the byte rings of xenstore and the
 * console ({@link mirage.platform.xen.internal.engine.ByteRing}), the 2-level event channel
 * bitmaps ({@link mirage.platform.xen.internal.engine.EventBitmaps}), the version-1 grant
 * table ({@link mirage.platform.xen.internal.engine.GrantTableV1}), and, in sub-packages,
 * xenstore's store, server and client and the XenBus handshakes. No thread, no clock, no
 * hypercall: shared pages come in as {@link java.lang.foreign.MemorySegment}s, time as
 * parameters, and what must be signalled to the other domain goes out as a return value.
 *
 * <h2>Memory ordering</h2>
 * The other end of a ring runs on another thread (or, on Xen, another CPU). Producers write
 * entries with plain stores and publish the producer index with a release store (Xen's
 * {@code wmb()} before the index); consumers read the index with an acquire load (the
 * {@code rmb()} after it) before reading entries; the notification checks put a full fence
 * ({@code mb()}) between publishing an index and reading the other end's event index.
 * Indices are aligned 32-bit words of native order, which on x86 is Xen's little-endian.
 *
 * <h2>Untrusted peers</h2>
 * An index the other end moved further than the ring holds, an entry naming a slot that is
 * not outstanding, a length beyond a page: each is reported (a negative count, a status),
 * never thrown past the engine and never used to address memory outside the ring or page.
 */
package mirage.platform.xen.internal.engine;
