package mirage.platform.xen.internal.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.hypervisor.Page;
import mirage.platform.xen.internal.hypervisor.StartInfo;
import mirage.platform.xen.internal.wire.GrantEntryV1;
import mirage.platform.xen.internal.wire.Layouts;

/**
 * Several domains in one process (see the package comment). Domain 0 is the first created;
 * {@link #buildGuest} does what a toolstack's domain builder does for a PVH guest.
 *
 * <p>Thread-safe. Pages live until {@link #close()}, which frees all memory: call it only once
 * no domain runs.
 */
public final class SimulatedHypervisor implements AutoCloseable {
    /** Grant table frames per domain (mirage-xen's 4: 2048 version-1 entries). */
    public static final int GRANT_FRAMES = 4;
    /** Pages one domain may allocate unless told otherwise: 64 MiB. */
    public static final int DEFAULT_MAX_PAGES = 16_384;

    private final LongSupplier clock;
    private final Arena arena = Arena.ofShared();
    /** Guards domains, frames and every domain's port table. */
    final Object lock = new Object();
    private final List<SimDomain> domains = new ArrayList<>();
    /** Frame number to page; guarded by {@link #lock}. */
    private final List<Frame> frames = new ArrayList<>();
    private boolean closed;

    /** A page and the domain that owns it. */
    record Frame(int owner, MemorySegment memory) {}

    /** @param clock monotonic nanoseconds of every domain */
    public SimulatedHypervisor(LongSupplier clock) {
        this.clock = clock;
        frames.add(null); // frame 0 is never handed out
    }

    /** A hypervisor on the real clock (nanoseconds since it was made); its domains wait by parking. */
    public static SimulatedHypervisor realTime() {
        long origin = System.nanoTime();
        return new SimulatedHypervisor(() -> System.nanoTime() - origin);
    }

    /** The clock domains see. */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * A new domain with the next domid (the first is 0, the control domain).
     *
     * @param waiter what the domain's {@code await} blocks on: a parking waiter on this
     *     hypervisor's clock, or a simulation's
     */
    public SimDomain createDomain(String name, EventLoop.Waiter waiter) {
        return createDomain(name, waiter, DEFAULT_MAX_PAGES);
    }

    /** As {@link #createDomain(String, EventLoop.Waiter)}, allowing {@code maxPages} pages. */
    public SimDomain createDomain(String name, EventLoop.Waiter waiter, int maxPages) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("hypervisor closed");
            }
            int domid = domains.size();
            MemorySegment shared = arena.allocate(Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
            MemorySegment table = arena.allocate((long) GRANT_FRAMES * Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
            SimDomain d = new SimDomain(this, domid, name, shared, table, java.util.Objects.requireNonNull(waiter, "waiter"),
                    maxPages);
            domains.add(d);
            return d;
        }
    }

    /**
     * Builds a guest as a toolstack does: a new domain whose xenstore and console ring pages are
     * allocated in its memory, granted to {@code backendDomid} at the reserved refs
     * (xenstore 1, console 0), with an unbound port for that domain each, found in the guest's
     * {@link SimDomain#startInfo()}.
     */
    public SimDomain buildGuest(String name, int backendDomid, EventLoop.Waiter waiter) throws HypervisorException {
        SimDomain guest = createDomain(name, waiter);
        Page store = guest.allocatePage();
        Page console = guest.allocatePage();
        guest.grants().grantAt(GrantEntryV1.RESERVED_XENSTORE, backendDomid, store.frame(), false);
        guest.grants().grantAt(GrantEntryV1.RESERVED_CONSOLE, backendDomid, console.frame(), false);
        int storePort = guest.allocUnbound(backendDomid);
        int consolePort = guest.allocUnbound(backendDomid);
        // xencons_interface.connection starts DISCONNECTED until the back end connects
        Layouts.u8(console.memory(), mirage.platform.xen.internal.wire.ByteRingLayout.CONSOLE_CONNECTION, 1);
        guest.startInfo(new StartInfo(store.memory(), storePort, console.memory(), consolePort), store.frame(),
                console.frame());
        return guest;
    }

    /** The domain {@code domid}, or null. */
    SimDomain domain(int domid) {
        synchronized (lock) {
            return domid >= 0 && domid < domains.size() ? domains.get(domid) : null;
        }
    }

    /** A live domain's view, for toolstack code: null if none or gone. */
    public SimDomain find(int domid) {
        SimDomain d = domain(domid);
        return d == null || d.isClosed() ? null : d;
    }

    /** A new page for {@code owner}. */
    Page newPage(int owner) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("hypervisor closed");
            }
            MemorySegment m = arena.allocate(Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
            frames.add(new Frame(owner, m));
            return new Page(frames.size() - 1, m);
        }
    }

    /** The page at {@code frame} if {@code owner} owns it, else null. */
    MemorySegment frame(long frame, int owner) {
        synchronized (lock) {
            if (frame <= 0 || frame >= frames.size()) {
                return null;
            }
            Frame f = frames.get((int) frame);
            return f.owner() == owner ? f.memory() : null;
        }
    }

    /** Frees every page. Domains must no longer run. Idempotent. */
    @Override
    public void close() {
        List<SimDomain> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(domains);
        }
        for (SimDomain d : all) {
            d.close();
        }
        arena.close();
    }
}
