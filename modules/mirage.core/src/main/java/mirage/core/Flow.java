package mirage.core;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A reliable, ordered, bidirectional byte stream: a TCP connection, a TLS session, a pipe.
 *
 * <h2>Threading</h2>
 * A flow is used by application code on virtual threads. Its operations block the calling
 * (virtual) thread, never the event loop. One thread may read while another writes; two
 * concurrent readers (or two concurrent writers) are not supported and their interleaving
 * is unspecified. {@link #close()} and {@link #shutdown} may be called from any thread and
 * wake a blocked reader or writer, which then sees end of stream or a
 * {@link FlowException.Reason#CLOSED} error.
 *
 * <h2>Buffer ownership</h2>
 * A buffer passed to {@link #read}, {@link #write} or {@link #writev} is borrowed for the
 * duration of the call only: the flow never keeps a reference to it after returning, and the
 * caller may reuse it at once. Only the bytes between position and limit are used, and
 * positions move by the number of bytes consumed or produced; limits are never changed.
 *
 * <h2>Errors</h2>
 * A failed flow stays failed: once an operation has thrown a {@link FlowException} with a
 * reason other than {@link FlowException.Reason#TIMEOUT}, every later operation throws an
 * exception with the same reason.
 */
public interface Flow extends AutoCloseable {

    /** Returned by {@link #read} at end of stream: the peer will send no more bytes. */
    int EOF = -1;

    /**
     * Reads at least one byte into {@code dst}, blocking until some are available.
     *
     * @param dst where to put the bytes; it must have space remaining
     * @return the number of bytes read (at least 1), or {@link #EOF} at end of stream
     * @throws FlowException if the flow failed or was closed
     * @throws IllegalArgumentException if {@code dst} has no space remaining
     */
    int read(ByteBuffer dst) throws FlowException;

    /**
     * Writes every remaining byte of {@code src}, blocking while the flow applies
     * back-pressure.
     *
     * @throws FlowException if the flow failed, was closed, or was shut down for writing
     */
    void write(ByteBuffer src) throws FlowException;

    /**
     * Writes every remaining byte of each buffer, in order, as one contiguous stream and as one
     * message: all of it is queued before any of it leaves, so a header and a body written
     * together go out together (one TCP segment, one TLS record, when they fit) rather than
     * the second waiting behind the first for the peer's acknowledgment (Nagle's algorithm
     * against a delayed ACK). The default {@linkplain #cork corks} the flow, writes the buffers
     * one at a time, and uncorks it.
     *
     * @throws FlowException as {@link #write}
     */
    default void writev(ByteBuffer... srcs) throws FlowException {
        cork();
        try {
            for (ByteBuffer src : srcs) {
                write(src);
            }
        } catch (FlowException | RuntimeException e) {
            try {
                uncork();
            } catch (FlowException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        uncork();
    }

    /**
     * Holds back what is written from now on until the matching {@link #uncork()}, so that a
     * message written in pieces leaves in as few segments or records as it fills, as Linux's
     * {@code TCP_CORK} does: bytes that fill whole segments (or records) may leave at once, the
     * rest waits. Corks nest: the flow is uncorked when every {@code cork} has had its
     * {@code uncork}. A flow may bound how long it holds bytes back (the direct TCP stack's
     * connections send them after one retransmission timeout at most); shutting down for
     * writing and closing send what is held. The default does nothing (every write leaves as
     * the flow would send it anyway).
     *
     * @throws FlowException if the flow failed or was closed
     */
    default void cork() throws FlowException {}

    /**
     * Ends one {@link #cork()}; the outermost sends what was held back, as one write of it
     * would (on TCP, Nagle's algorithm applies to its last, short segment unless no-delay is
     * on, in Minshall's form: it waits only behind another short segment not yet acknowledged).
     * Without a matching {@code cork} it does nothing. The default does nothing.
     *
     * @throws FlowException as {@link #write}
     */
    default void uncork() throws FlowException {}

    /**
     * Bounds how long each later {@link #read} may wait for bytes: a read that gets none within
     * {@code timeout} throws a {@link FlowException} with reason
     * {@link FlowException.Reason#TIMEOUT}, and the flow stays usable (bytes that arrive later go
     * to the next read). {@link Duration#ZERO} removes the bound. It is a bound on waiting for
     * progress, not a deadline for a whole message: a peer that sends a byte now and then is not
     * timed out. This is how a server bounds idle keep-alive connections and slow requests
     * (mirage.http's {@code Timeouts}); a flow whose transport cannot time its reads returns
     * {@code false}, and its reads wait as long as they take.
     *
     * @return whether this flow applies the bound; the default applies none and returns
     *     {@code false}
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    default boolean readTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a read timeout cannot be negative: " + timeout);
        }
        return false;
    }

    /**
     * Closes one or both directions. Shutting down {@link Direction#WRITE} sends end of stream
     * to the peer once buffered bytes are delivered; shutting down {@link Direction#READ}
     * discards what arrives from now on and makes {@link #read} return {@link #EOF}.
     * Shutting down a direction twice has no further effect.
     *
     * @throws FlowException if the flow had already failed
     */
    void shutdown(Direction direction) throws FlowException;

    /**
     * Releases the flow and everything it holds. Idempotent; never throws. Bytes not yet
     * delivered may be lost: use {@code shutdown(Direction.WRITE)} first for an orderly end.
     */
    @Override
    void close();

    /**
     * Two connected in-memory flows: what one end writes the other reads, each direction
     * buffering up to {@code capacity} bytes before a writer blocks. Behaves as a TCP
     * connection would: {@code shutdown(WRITE)} lets the peer read what was written and then
     * {@link #EOF}; after {@link #close()} the peer reads what was buffered and then
     * {@link #EOF}, and its writes fail with {@link FlowException.Reason#RESET}. Its ends apply
     * {@link #readTimeout} (on the host's clock). For tests,
     * benchmarks and in-image plumbing (a TLS engine over an in-memory peer, for example).
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    static Pair pipe(int capacity) {
        Flow[] ends = mirage.core.internal.PipeFlow.pair(capacity);
        return new Pair(ends[0], ends[1]);
    }

    /** The two ends of a {@linkplain #pipe pipe}. */
    record Pair(Flow left, Flow right) {}

    /** Which half of a flow an operation applies to. */
    enum Direction {
        READ,
        WRITE,
        READ_WRITE
    }
}
