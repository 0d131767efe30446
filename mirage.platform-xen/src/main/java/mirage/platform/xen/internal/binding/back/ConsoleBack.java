package mirage.platform.xen.internal.binding.back;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import mirage.platform.xen.internal.engine.ByteRing;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.wire.ByteRingLayout;
import mirage.platform.xen.internal.wire.GrantEntryV1;
import mirage.platform.xen.internal.wire.Layouts;

/**
 * xenconsoled for one guest: maps its console page (grant {@code GNTTAB_RESERVED_CONSOLE}),
 * binds its console port, marks the page connected, and copies what the guest writes to its
 * {@code out} ring to an output stream as it arrives, notifying the guest of the room made.
 * On the control domain's loop.
 */
public final class ConsoleBack implements AutoCloseable {
    private final BackContext ctx;
    private final int guest;
    private final MemorySegment page;
    private final ByteRing out;
    private final int port;
    private final OutputStream sink;
    private final byte[] chunk = new byte[ByteRingLayout.CONSOLE_OUT.size()];
    private boolean closed;

    private ConsoleBack(BackContext ctx, int guest, MemorySegment page, int port, OutputStream sink) {
        this.ctx = ctx;
        this.guest = guest;
        this.page = page;
        this.out = new ByteRing(page, ByteRingLayout.CONSOLE_OUT);
        this.port = port;
        this.sink = sink;
    }

    /** Connects to {@code guest}'s console, whose unbound port is {@code remotePort}. */
    public static ConsoleBack connect(BackContext ctx, int guest, int remotePort, OutputStream sink) throws HypervisorException {
        MemorySegment page = ctx.hv().mapGrant(guest, GrantEntryV1.RESERVED_CONSOLE, true);
        int port;
        try {
            port = ctx.hv().bindInterdomain(guest, remotePort);
        } catch (HypervisorException e) {
            ctx.hv().unmapGrant(guest, GrantEntryV1.RESERVED_CONSOLE, true);
            throw e;
        }
        ConsoleBack c = new ConsoleBack(ctx, guest, page, port, sink);
        Layouts.u8(page, ByteRingLayout.CONSOLE_CONNECTION, 0);
        ctx.events().bind(port, c::event);
        return c;
    }

    private long event(int ignored) {
        if (closed) {
            return 0;
        }
        boolean read = false;
        int n;
        while ((n = out.read(chunk, 0, chunk.length)) > 0) {
            read = true;
            try {
                sink.write(chunk, 0, n);
            } catch (java.io.IOException e) {
                // the host's output is gone: keep draining the ring
            }
        }
        try {
            sink.flush();
        } catch (java.io.IOException e) {
            // as above
        }
        if (read || n < 0) {
            try {
                ctx.hv().notify(port);
            } catch (HypervisorException e) {
                // the guest is gone
            }
        }
        return 0;
    }

    /**
     * Leaves the console: what the guest wrote and no event has announced yet is copied first (its
     * last notification may still be on its way to the event loop), then the port is closed and
     * the page unmapped. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        event(0);
        closed = true;
        ctx.events().unbind(port);
        ctx.hv().close(port);
        ctx.hv().unmapGrant(guest, GrantEntryV1.RESERVED_CONSOLE, true);
    }
}
