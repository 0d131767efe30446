package mirage.net.internal.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes Ethernet frames to a classic pcap file with nanosecond timestamps.
 *
 * <p>The file: a global header (magic {@code 0xa1b23c4d}, the nanosecond variant; version 2.4;
 * time zone and accuracy 0; the snapshot length; link type {@link #LINKTYPE_ETHERNET}), then per
 * frame a record header (seconds, nanoseconds, captured length, original length) and the
 * captured bytes. Everything is little-endian; readers tell the byte order by the magic.
 *
 * <p>Timestamps are supplied by the caller, in nanoseconds since the epoch: a wall clock, or a
 * simulation's virtual clock, which makes the file a deterministic function of the run. A frame
 * longer than the snapshot length is cut to it; the record keeps its original length.
 *
 * <p>Thread-safety: safe for concurrent use; each record is written whole, records appear in
 * the order the calls took the writer's lock (a {@link ReentrantLock}, which does not pin
 * virtual threads). With {@link Flush#EVERY_RECORD} each {@code write} hands its record to the
 * channel before returning, so a reader following the file (e.g. {@code tshark -r} after a
 * crash, or {@code tail -c +1 -f | tshark -i -}) sees every frame so far; with
 * {@link Flush#WHEN_FULL} records wait in a 64 KiB buffer until it fills, {@link #flush} or
 * {@link #close}. Neither forces the data to the disk.
 */
public final class PcapWriter implements Closeable {
    /** The magic number of a file whose timestamps' second part is in nanoseconds. */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** The magic number of a file whose timestamps' second part is in microseconds (read only). */
    public static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames without preamble or FCS. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The snapshot length tcpdump uses by default (and the largest Wireshark accepts for Ethernet). */
    public static final int DEFAULT_SNAPLEN = 262_144;

    static final int GLOBAL_HEADER_LEN = 24;
    static final int RECORD_HEADER_LEN = 16;
    private static final int BUFFER = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Seconds are an unsigned 32-bit field: the file cannot say anything after 2106-02-07. */
    private static final long MAX_SECONDS = 0xffff_ffffL;

    /** When records reach the channel. */
    public enum Flush {
        /** Before {@link #write} returns. */
        EVERY_RECORD,
        /** When the writer's buffer is full, and on {@link #flush} and {@link #close}. */
        WHEN_FULL
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final WritableByteChannel channel;
    private final int snaplen;
    private final Flush flush;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_LEN).order(ByteOrder.LITTLE_ENDIAN);
    private boolean closed;

    private PcapWriter(WritableByteChannel channel, int snaplen, Flush flush) {
        this.channel = channel;
        this.snaplen = snaplen;
        this.flush = flush;
    }

    /**
     * A writer on {@code channel}, which it owns from now on ({@link #close} closes it). Writes
     * the global header at once (through the buffer, for {@link Flush#WHEN_FULL}).
     *
     * @param snaplen the longest frame kept whole, 1 to 2^31-1
     * @throws IOException if writing the header fails
     */
    public static PcapWriter of(WritableByteChannel channel, int snaplen, Flush flush) throws IOException {
        if (snaplen < 1) {
            throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        }
        PcapWriter w = new PcapWriter(channel, snaplen, flush);
        w.buffer.putInt(MAGIC_NANOSECONDS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(LINKTYPE_ETHERNET);
        if (flush == Flush.EVERY_RECORD) {
            w.drain();
        }
        return w;
    }

    /** A writer creating or truncating the file {@code path}. */
    public static PcapWriter create(Path path, int snaplen, Flush flush) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return of(file, snaplen, flush);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The snapshot length. */
    public int snaplen() {
        return snaplen;
    }

    /**
     * Records the frame between {@code frame}'s position and limit (neither moves), captured at
     * {@code timestampNanos} nanoseconds since the epoch, cut to the snapshot length.
     *
     * @throws IllegalArgumentException if the timestamp is negative or past 2106 (the format's
     *     seconds are unsigned 32-bit)
     * @throws IllegalStateException if the writer is closed
     * @throws IOException if the channel fails
     */
    public void write(long timestampNanos, ByteBuffer frame) throws IOException {
        long seconds = Math.floorDiv(timestampNanos, NANOS_PER_SECOND);
        if (timestampNanos < 0 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp outside 1970..2106: " + timestampNanos + " ns");
        }
        int original = frame.remaining();
        int captured = Math.min(original, snaplen);
        ByteBuffer data = frame.slice(frame.position(), captured);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("pcap writer closed");
            }
            header.clear();
            header.putInt((int) seconds).putInt((int) (timestampNanos - seconds * NANOS_PER_SECOND))
                    .putInt(captured).putInt(original).flip();
            if (buffer.remaining() < RECORD_HEADER_LEN + captured) {
                drain();
            }
            if (buffer.remaining() >= RECORD_HEADER_LEN + captured) {
                buffer.put(header).put(data);
            } else {
                writeFully(header);
                writeFully(data);
            }
            if (flush == Flush.EVERY_RECORD) {
                drain();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #write(long, ByteBuffer)} for a whole array. */
    public void write(long timestampNanos, byte[] frame) throws IOException {
        write(timestampNanos, ByteBuffer.wrap(frame));
    }

    /** Hands every buffered record to the channel. */
    public void flush() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                drain();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes, then closes the channel. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                drain();
            } finally {
                channel.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        try {
            writeFully(buffer);
        } finally {
            buffer.compact();
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
