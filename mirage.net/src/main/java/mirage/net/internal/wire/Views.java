package mirage.net.internal.wire;

import java.nio.ByteBuffer;

/** What the views share. */
final class Views {
    private Views() {}

    /** The buffer an unbound view points at. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
}
