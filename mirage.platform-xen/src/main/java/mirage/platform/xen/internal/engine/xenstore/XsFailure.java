package mirage.platform.xen.internal.engine.xenstore;

import mirage.platform.xen.internal.wire.XsError;

/** A request refused with an error reply; internal to the server's handling. */
final class XsFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final transient XsError error;

    XsFailure(XsError error) {
        super(error.name(), null, false, false);
        this.error = error;
    }
}
