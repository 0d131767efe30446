package mirage.platform.xen.internal.sim;

import java.lang.foreign.MemorySegment;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.engine.EventBitmaps;
import mirage.platform.xen.internal.engine.GrantTableV1;
import mirage.platform.xen.internal.hypervisor.Hypervisor;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.hypervisor.Page;
import mirage.platform.xen.internal.hypervisor.StartInfo;
import mirage.platform.xen.internal.wire.GrantEntryV1;
import mirage.platform.xen.internal.wire.Layouts;

/**
 * One domain of a {@link SimulatedHypervisor}: its {@code shared_info} page (2-level event
 * channels), its grant table frames, its port table, its pages. Port tables of all domains
 * are guarded by the hypervisor's lock; grant entries change by compare-and-set; the counts of
 * mappings and copies in progress of this domain's grants are guarded by this object.
 */
public final class SimDomain implements Hypervisor {
    private static final int FREE = 0;
    private static final int UNBOUND = 1;
    private static final int INTERDOMAIN = 2;

    private final SimulatedHypervisor hv;
    private final int domid;
    private final String name;
    private final EventBitmaps events;
    private final MemorySegment table;
    private final GrantTableV1 grants;
    private final EventLoop.Waiter waiter;
    private final int maxPages;
    private int pages;
    /** Per port; guarded by the hypervisor's lock. */
    private final int[] state = new int[NR_PORTS];
    private final int[] remoteDomid = new int[NR_PORTS];
    private final int[] remotePort = new int[NR_PORTS];
    /** Active maps and copies of each of this domain's grants; guarded by this. */
    private final int[] readers;
    private final int[] writers;
    private volatile Runnable upcall;
    private volatile StartInfo startInfo;
    private long storeFrame;
    private long consoleFrame;
    private volatile boolean closed;

    SimDomain(SimulatedHypervisor hv, int domid, String name, MemorySegment shared, MemorySegment table,
            EventLoop.Waiter waiter, int maxPages) {
        this.hv = hv;
        this.domid = domid;
        this.name = name;
        this.events = new EventBitmaps(shared);
        this.table = table;
        this.grants = new GrantTableV1(table);
        this.readers = new int[grants.capacity()];
        this.writers = new int[grants.capacity()];
        this.waiter = waiter;
        this.maxPages = maxPages;
    }

    @Override
    public int domid() {
        return domid;
    }

    public String name() {
        return name;
    }

    @Override
    public long now() {
        return hv.now();
    }

    @Override
    public StartInfo startInfo() {
        StartInfo s = startInfo;
        if (s == null) {
            throw new IllegalStateException("domain " + domid + " (" + name + ") was not built by a toolstack: no start info");
        }
        return s;
    }

    void startInfo(StartInfo info, long storeFrame, long consoleFrame) {
        this.storeFrame = storeFrame;
        this.consoleFrame = consoleFrame;
        this.startInfo = info;
    }

    /** The frame of the xenstore ring page (what INTRODUCE names). */
    public long storeFrame() {
        return storeFrame;
    }

    /** The frame of the console ring page. */
    public long consoleFrame() {
        return consoleFrame;
    }

    /** This domain's grant table, granting side. */
    GrantTableV1 grants() {
        return grants;
    }

    /** This domain's grant table frames (for tests of the entry layout). */
    public MemorySegment grantTable() {
        return table;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Page allocatePage() throws HypervisorException {
        synchronized (this) {
            if (closed) {
                throw new HypervisorException(HypervisorException.ESRCH, "domain " + domid + " is gone");
            }
            if (pages >= maxPages) {
                throw new HypervisorException(HypervisorException.ENOMEM,
                        "domain " + domid + " has allocated its " + maxPages + " pages");
            }
            pages++;
        }
        return hv.newPage(domid);
    }

    @Override
    public int grantAccess(int grantee, Page page, boolean readOnly) throws HypervisorException {
        if (hv.frame(page.frame(), domid) == null) {
            throw new HypervisorException(GrantEntryV1.GNTST_BAD_PAGE, "frame " + page.frame() + " is not domain " + domid + "'s");
        }
        int ref = grants.grant(grantee, page.frame(), readOnly);
        if (ref < 0) {
            throw new HypervisorException(HypervisorException.ENOSPC, "grant table of domain " + domid + " is full ("
                    + grants.capacity() + " entries)");
        }
        return ref;
    }

    @Override
    public boolean endAccess(int ref) {
        return grants.endAccess(ref);
    }

    /** Marks {@code ref} in use by {@code mapper}; returns the granted page or throws. */
    MemorySegment acquire(int ref, int mapper, boolean writable) throws HypervisorException {
        synchronized (this) {
            if (closed) {
                throw new HypervisorException(GrantEntryV1.GNTST_BAD_DOMAIN, "domain " + domid + " is gone");
            }
            long frame = GrantTableV1.acquire(table, ref, mapper, writable);
            if (frame < 0) {
                throw new HypervisorException((int) frame, "grant " + ref + " of domain " + domid + " does not permit domain "
                        + mapper + (writable ? " writable access" : " access"));
            }
            MemorySegment page = hv.frame(frame, domid);
            if (page == null) {
                GrantTableV1.release(table, ref, readers[ref] == 0, writable && writers[ref] == 0);
                throw new HypervisorException(GrantEntryV1.GNTST_BAD_PAGE, "grant " + ref + " of domain " + domid
                        + " names frame " + frame + ", which is not the domain's");
            }
            readers[ref]++;
            if (writable) {
                writers[ref]++;
            }
            return page;
        }
    }

    /** Ends one use of {@code ref} started by {@link #acquire}. */
    void releaseGrant(int ref, boolean writable) {
        synchronized (this) {
            if (ref < 0 || ref >= readers.length || readers[ref] == 0) {
                return;
            }
            readers[ref]--;
            if (writable && writers[ref] > 0) {
                writers[ref]--;
            }
            GrantTableV1.release(table, ref, readers[ref] == 0, writers[ref] == 0);
        }
    }

    private SimDomain granter(int granter) throws HypervisorException {
        SimDomain g = hv.domain(granter);
        if (g == null) {
            throw new HypervisorException(GrantEntryV1.GNTST_BAD_DOMAIN, "no domain " + granter);
        }
        return g;
    }

    @Override
    public MemorySegment mapGrant(int granter, int ref, boolean writable) throws HypervisorException {
        return granter(granter).acquire(ref, domid, writable);
    }

    @Override
    public void unmapGrant(int granter, int ref, boolean writable) {
        SimDomain g = hv.domain(granter);
        if (g != null) {
            g.releaseGrant(ref, writable);
        }
    }

    @Override
    public void copyFromGrant(int granter, int ref, int offset, MemorySegment dst, long dstOffset, int length)
            throws HypervisorException {
        checkCopy(offset, length);
        SimDomain g = granter(granter);
        MemorySegment page = g.acquire(ref, domid, false);
        try {
            MemorySegment.copy(page, offset, dst, dstOffset, length);
        } finally {
            g.releaseGrant(ref, false);
        }
    }

    @Override
    public void copyToGrant(MemorySegment src, long srcOffset, int granter, int ref, int offset, int length)
            throws HypervisorException {
        checkCopy(offset, length);
        SimDomain g = granter(granter);
        MemorySegment page = g.acquire(ref, domid, true);
        try {
            MemorySegment.copy(src, srcOffset, page, offset, length);
        } finally {
            g.releaseGrant(ref, true);
        }
    }

    private static void checkCopy(int offset, int length) throws HypervisorException {
        if (offset < 0 || length < 0 || offset + length > Layouts.PAGE_SIZE) {
            throw new HypervisorException(GrantEntryV1.GNTST_BAD_COPY_ARG, "copy of " + length + " bytes at " + offset
                    + " crosses the page");
        }
    }

    // ---- event channels ----

    private int freePort() throws HypervisorException {
        for (int p = 1; p < NR_PORTS; p++) {
            if (state[p] == FREE) {
                return p;
            }
        }
        throw new HypervisorException(HypervisorException.ENOSPC, "domain " + domid + " has no free event channel");
    }

    @Override
    public int allocUnbound(int remote) throws HypervisorException {
        synchronized (hv.lock) {
            live();
            if (hv.domain(remote) == null) {
                throw new HypervisorException(HypervisorException.ESRCH, "no domain " + remote);
            }
            int p = freePort();
            state[p] = UNBOUND;
            remoteDomid[p] = remote;
            remotePort[p] = 0;
            events.clear(p);
            return p;
        }
    }

    @Override
    public int bindInterdomain(int remote, int rport) throws HypervisorException {
        int p;
        synchronized (hv.lock) {
            live();
            SimDomain r = hv.domain(remote);
            if (r == null || r.closed) {
                throw new HypervisorException(HypervisorException.ESRCH, "no domain " + remote);
            }
            if (rport <= 0 || rport >= NR_PORTS || r.state[rport] != UNBOUND || r.remoteDomid[rport] != domid) {
                throw new HypervisorException(HypervisorException.EINVAL, "port " + rport + " of domain " + remote
                        + " is not unbound for domain " + domid);
            }
            p = freePort();
            state[p] = INTERDOMAIN;
            remoteDomid[p] = remote;
            remotePort[p] = rport;
            r.state[rport] = INTERDOMAIN;
            r.remotePort[rport] = p;
            events.clear(p);
        }
        // as Xen does: the new port starts pending, so that a send before the bind is not lost
        if (events.raise(p)) {
            raiseUpcall();
        }
        return p;
    }

    private void live() throws HypervisorException {
        if (closed) {
            throw new HypervisorException(HypervisorException.ESRCH, "domain " + domid + " is gone");
        }
    }

    @Override
    public void notify(int port) throws HypervisorException {
        SimDomain target;
        int targetPort;
        synchronized (hv.lock) {
            if (port <= 0 || port >= NR_PORTS || state[port] == FREE || closed) {
                throw new HypervisorException(HypervisorException.EINVAL, "domain " + domid + " holds no port " + port);
            }
            if (state[port] != INTERDOMAIN) {
                return; // unbound: dropped, as Xen drops it
            }
            target = hv.domain(remoteDomid[port]);
            targetPort = remotePort[port];
            if (target == null || target.closed) {
                return;
            }
        }
        if (target.events.raise(targetPort)) {
            target.raiseUpcall();
        }
    }

    /** The upcall: wake the domain's wait and run its handler. */
    private void raiseUpcall() {
        waiter.signal();
        Runnable r = upcall;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void close(int port) {
        synchronized (hv.lock) {
            closeLocked(port);
        }
    }

    private void closeLocked(int port) {
        if (port <= 0 || port >= NR_PORTS || state[port] == FREE) {
            return;
        }
        if (state[port] == INTERDOMAIN) {
            SimDomain r = hv.domain(remoteDomid[port]);
            int rp = remotePort[port];
            if (r != null && r.state[rp] == INTERDOMAIN && r.remoteDomid[rp] == domid && r.remotePort[rp] == port) {
                r.state[rp] = UNBOUND;
                r.remotePort[rp] = 0;
            }
        }
        state[port] = FREE;
        remotePort[port] = 0;
        events.clear(port);
    }

    @Override
    public void mask(int port) {
        events.mask(port);
    }

    @Override
    public void unmask(int port) {
        if (events.unmask(port)) {
            raiseUpcall();
        }
    }

    @Override
    public int pendingPorts(int[] into) {
        return events.scan(into);
    }

    @Override
    public boolean await(long deadlineNanos) throws InterruptedException {
        if (events.upcallPending()) {
            return true;
        }
        waiter.await(deadlineNanos);
        return events.upcallPending();
    }

    @Override
    public void wake() {
        waiter.signal();
    }

    @Override
    public void onUpcall(Runnable handler) {
        this.upcall = handler;
        if (handler != null && events.upcallPending()) {
            handler.run();
        }
    }

    /** Whether {@code port} is bound to another domain's port (for tests). */
    public boolean connected(int port) {
        synchronized (hv.lock) {
            return port > 0 && port < NR_PORTS && state[port] == INTERDOMAIN;
        }
    }

    @Override
    public void close() {
        synchronized (hv.lock) {
            if (closed) {
                return;
            }
            for (int p = 1; p < NR_PORTS; p++) {
                closeLocked(p);
            }
            closed = true;
        }
        waiter.signal();
    }

    @Override
    public String toString() {
        return "domain " + domid + " (" + name + ")";
    }
}
