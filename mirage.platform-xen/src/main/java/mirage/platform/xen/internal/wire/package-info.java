/**
 * Xen's PV wire formats, as byte layouts and nothing else (DESIGN.md section 3: {@code wire}
 * &larr; {@code engine} &larr; {@code binding}), each written from Xen's public headers
 * ({@code xen/include/public/io/xs_wire.h, ring.h, netif.h, blkif.h, console.h, xenbus.h},
 * {@code grant_table.h}, {@code xen.h}). No state, no I/O, no time, nothing of {@code engine}.
 *
 * <h2>The rules</h2>
 * <ol>
 *   <li><b>Little-endian, x86-64 layouts.</b> Every structure is laid out as a C compiler lays
 *       it out for Xen's x86-64 ABI ({@code XEN_IO_PROTO_ABI_X86_64}): natural alignment,
 *       padding where C puts it, little-endian fields. Offsets are constants named after the C
 *       field; the golden tests check them byte for byte.</li>
 *   <li><b>Shared memory is read once.</b> Accessors read a field of a page the other domain
 *       can write at the moment they are called; a caller that checks a field and then uses
 *       it keeps the value it read (Xen's {@code RING_COPY_REQUEST}: no double fetch).</li>
 *   <li><b>Bytes from another domain never raise an exception</b> except
 *       {@link mirage.platform.xen.internal.wire.XsMessage#decode}'s typed
 *       {@link mirage.platform.xen.internal.wire.XsFormatException}; accessors read fixed
 *       offsets inside a region the caller chose, and throw
 *       {@link IndexOutOfBoundsException} only for a region the caller got wrong.</li>
 *   <li><b>No allocation</b> in the accessors of ring entries, grant entries and the event
 *       channel bitmaps: they run per frame. Xenstore messages (control plane) may allocate.</li>
 * </ol>
 */
package mirage.platform.xen.internal.wire;
