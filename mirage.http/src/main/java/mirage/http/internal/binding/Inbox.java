package mirage.http.internal.binding;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * The bytes read from a flow and not yet consumed, {@code buf[pos, lim)}: what the server and the
 * client parse heads from and take the start of bodies from. Single-threaded.
 */
final class Inbox {
    final Flow flow;
    final byte[] buf;
    int pos;
    int lim;

    Inbox(Flow flow, int capacity) {
        this.flow = flow;
        this.buf = new byte[capacity];
    }

    /** How many bytes are buffered. */
    int buffered() {
        return lim - pos;
    }

    /** Reads more bytes after {@code lim}, making room first; the count read, or {@link Flow#EOF}. */
    int fill() throws FlowException {
        if (pos == lim) {
            pos = 0;
            lim = 0;
        } else if (lim == buf.length) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = flow.read(ByteBuffer.wrap(buf, lim, buf.length - lim));
        if (n > 0) {
            lim += n;
        }
        return n;
    }
}
