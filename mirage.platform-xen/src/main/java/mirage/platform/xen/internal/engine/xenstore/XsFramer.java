package mirage.platform.xen.internal.engine.xenstore;

import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * Cuts a byte stream (socket or ring) into xenstore messages: a 16-byte header, then the
 * length it announces. A length over {@link XsMessage#PAYLOAD_MAX} is a protocol error: the
 * stream cannot be resynchronised and the connection must close (docs/misc/xenstore.txt).
 */
public final class XsFramer {
    /** Where whole messages go. */
    @FunctionalInterface
    public interface Sink {
        void message(XsMessage m);
    }

    private final byte[] buffer = new byte[XsMessage.HEADER + XsMessage.PAYLOAD_MAX];
    private int filled;

    /**
     * Feeds bytes; each whole message is handed to {@code sink} as soon as it is complete.
     *
     * @throws XsFormatException if a header announces more than {@link XsMessage#PAYLOAD_MAX}
     *     bytes; the framer is then broken for good
     */
    public void feed(byte[] bytes, int offset, int length, Sink sink) throws XsFormatException {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            int need = filled < XsMessage.HEADER ? XsMessage.HEADER - filled : total() - filled;
            int n = Math.min(need, end - at);
            System.arraycopy(bytes, at, buffer, filled, n);
            filled += n;
            at += n;
            if (filled == XsMessage.HEADER && XsMessage.announcedLength(buffer, 0) > XsMessage.PAYLOAD_MAX) {
                throw new XsFormatException("payload length " + XsMessage.announcedLength(buffer, 0) + " exceeds "
                        + XsMessage.PAYLOAD_MAX);
            }
            if (filled >= XsMessage.HEADER && filled == total()) {
                XsMessage m = XsMessage.decode(java.util.Arrays.copyOf(buffer, filled));
                filled = 0;
                sink.message(m);
            }
        }
    }

    private int total() {
        return XsMessage.HEADER + (int) XsMessage.announcedLength(buffer, 0);
    }

    /** Whether a message is partly received. */
    public boolean midMessage() {
        return filled > 0;
    }
}
