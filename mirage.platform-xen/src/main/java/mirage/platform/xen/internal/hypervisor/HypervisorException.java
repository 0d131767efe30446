package mirage.platform.xen.internal.hypervisor;

/**
 * A hypercall refused: a grant that does not permit what was asked, a port that is not bound
 * as needed, a domain that does not exist, memory exhausted. {@link #status()} is the
 * hypercall's status: a {@code GNTST_*} value for grant operations, a negated errno for event
 * channel and memory operations.
 */
public final class HypervisorException extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@code -EINVAL}. */
    public static final int EINVAL = -22;
    /** {@code -ESRCH}: no such domain. */
    public static final int ESRCH = -3;
    /** {@code -ENOSPC}: no free port. */
    public static final int ENOSPC = -28;
    /** {@code -ENOMEM}. */
    public static final int ENOMEM = -12;
    /** {@code -EPERM}. */
    public static final int EPERM = -1;

    private final int status;

    public HypervisorException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
