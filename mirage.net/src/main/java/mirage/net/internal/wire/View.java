package mirage.net.internal.wire;

import java.nio.ByteBuffer;

/**
 * What every view shares: the region it is bound to once its {@code check} passed, and why the
 * last check failed. Subclasses bind {@link #buffer} and {@link #start} only after validating
 * the region, and call {@link #fail} otherwise.
 */
abstract class View {
    /** The buffer an unbound view points at. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    ByteBuffer buffer = EMPTY;
    int start;
    WireError error = WireError.TRUNCATED;

    /** Records why a check failed; returns false, what {@code check} returns. */
    final boolean fail(WireError reason) {
        this.error = reason;
        return false;
    }

    /** Why the last {@code check} failed, or null if it succeeded. */
    public final WireError error() {
        return error;
    }

    /** The buffer the view is bound to (an empty one when unbound). */
    public final ByteBuffer buffer() {
        return buffer;
    }

    /** Index of the region's first byte in {@link #buffer()}. */
    public final int offset() {
        return start;
    }
}
