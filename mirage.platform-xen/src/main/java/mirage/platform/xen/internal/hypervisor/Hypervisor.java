package mirage.platform.xen.internal.hypervisor;

import java.lang.foreign.MemorySegment;

/**
 * The hypervisor as one domain sees it (see the package comment).
 *
 * <h2>Threading</h2>
 * Every method is thread-safe. {@link #await} blocks the calling thread; everything else
 * returns without waiting for another domain. The upcall handler runs on the thread of
 * whoever notified (another domain's), so it must not block.
 *
 * <h2>Memory</h2>
 * Pages are never freed while the domain lives; a segment returned by {@link #mapGrant} stays
 * valid until unmapped (the simulated hypervisor returns the granter's page itself).
 */
public interface Hypervisor extends AutoCloseable {
    /** Ports per domain in the 2-level ABI. */
    int NR_PORTS = 4096;

    /** This domain's id; 0 is the control domain. */
    int domid();

    /** Monotonic nanoseconds of this domain's clock (a PVH guest's {@code vcpu_time_info}). */
    long now();

    /** The rings the toolstack prepared for this domain. */
    StartInfo startInfo();

    /**
     * A new zeroed page of this domain's memory.
     *
     * @throws HypervisorException {@code ENOMEM} when the domain's allowance is spent
     */
    Page allocatePage() throws HypervisorException;

    /**
     * Grants {@code domid} access to {@code page} ({@code gnttab_grant_foreign_access}).
     *
     * @return the grant reference
     * @throws HypervisorException if the grant table is full ({@code ENOSPC}) or the page is
     *     not this domain's
     */
    int grantAccess(int domid, Page page, boolean readOnly) throws HypervisorException;

    /**
     * Ends a grant ({@code gnttab_end_foreign_access_ref}).
     *
     * @return false while the grantee still has it mapped: retry after it unmaps
     */
    boolean endAccess(int ref);

    /**
     * Maps another domain's grant ({@code GNTTABOP_map_grant_ref}).
     *
     * @throws HypervisorException with a {@code GNTST_*} status: no such domain, a ref that
     *     does not grant this domain, a read-only grant mapped writable
     */
    MemorySegment mapGrant(int granter, int ref, boolean writable) throws HypervisorException;

    /** Unmaps a grant mapped by {@link #mapGrant} with the same arguments. */
    void unmapGrant(int granter, int ref, boolean writable);

    /**
     * Copies from another domain's granted page into this domain's memory
     * ({@code GNTTABOP_copy}, source a grant).
     *
     * @throws HypervisorException as {@link #mapGrant}, or {@code GNTST_bad_copy_arg} for a
     *     range crossing the page
     */
    void copyFromGrant(int granter, int ref, int offset, MemorySegment dst, long dstOffset, int length)
            throws HypervisorException;

    /** Copies into another domain's writable grant ({@code GNTTABOP_copy}, destination a grant). */
    void copyToGrant(MemorySegment src, long srcOffset, int granter, int ref, int offset, int length)
            throws HypervisorException;

    /**
     * A new port that {@code remoteDomid} may bind to ({@code EVTCHNOP_alloc_unbound}).
     *
     * @throws HypervisorException {@code ENOSPC} when no port is free, {@code ESRCH} for no such domain
     */
    int allocUnbound(int remoteDomid) throws HypervisorException;

    /**
     * A new port connected to {@code remotePort} of {@code remoteDomid}, which must be unbound
     * and allocated for this domain ({@code EVTCHNOP_bind_interdomain}). The new port starts
     * pending, so that nothing sent before the bind is lost.
     *
     * @throws HypervisorException {@code EINVAL} if the remote port is not so
     */
    int bindInterdomain(int remoteDomid, int remotePort) throws HypervisorException;

    /**
     * Signals the other end of {@code port} ({@code EVTCHNOP_send}); nothing if the port is
     * bound to nothing yet.
     *
     * @throws HypervisorException {@code EINVAL} for a port this domain does not hold
     */
    void notify(int port) throws HypervisorException;

    /** Closes {@code port} ({@code EVTCHNOP_close}); the other end becomes unbound. Idempotent. */
    void close(int port);

    /** Masks {@code port}: it may become pending but raises no upcall. */
    void mask(int port);

    /** Unmasks {@code port}, delivering a pending edge. */
    void unmask(int port);

    /**
     * Takes the ports that fired since the last call, at most {@code into.length}, clearing
     * them; non-blocking.
     *
     * @return how many were written
     */
    int pendingPorts(int[] into);

    /**
     * Blocks until an event is pending, {@link #wake} is called, or {@link #now()} reaches
     * {@code deadlineNanos} ({@link Long#MAX_VALUE}: none); returns at once if one holds.
     *
     * @return whether an event is pending
     * @throws InterruptedException if the thread is interrupted
     */
    boolean await(long deadlineNanos) throws InterruptedException;

    /** Makes an {@link #await} in progress, or else the next one, return. Any thread. */
    void wake();

    /**
     * Sets what runs when an event becomes pending for this domain (the upcall), besides
     * waking {@link #await}: on the notifier's thread; must not block; null for nothing.
     */
    void onUpcall(Runnable handler);

    /** Leaves the hypervisor: closes every port; other domains see them unbound. Idempotent. */
    @Override
    void close();
}
