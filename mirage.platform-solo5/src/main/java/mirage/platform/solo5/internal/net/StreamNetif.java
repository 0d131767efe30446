package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import mirage.core.Console;
import mirage.net.MacAddress;
import mirage.platform.solo5.internal.host.HostException;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.host.Libc;

/**
 * Ethernet frames over a UNIX-domain stream socket, each preceded by its length as 4 bytes,
 * big-endian: QEMU's {@code -netdev stream} and passt. This side connects, as a QEMU guest
 * does.
 *
 * <p>The socket is made with {@code socket(2)} through FFM rather than a {@code SocketChannel},
 * so that its descriptor joins the platform's one {@code ppoll} (docs/decisions/0015). Input
 * is accumulated and cut into frames; output is queued whole-frame in a bounded buffer and
 * flushed as the socket takes it, so a frame is never half-written and a full queue drops
 * frames (counted) rather than blocking.
 */
public final class StreamNetif extends HostNetif {
    /** Longest path {@code sockaddr_un} holds, without the NUL. */
    public static final int MAX_PATH = 107;
    /** Longest frame length accepted from the peer before the stream is taken as broken. */
    static final int MAX_WIRE = 65_560;
    static final int TX_CAPACITY = 256 * 1024;
    /** The length prefix: a big-endian int at any offset. */
    private static final java.lang.foreign.ValueLayout.OfInt LENGTH = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String path;
    private final MemorySegment rx = arena.allocate(2L * (4 + MAX_WIRE));
    private int rxStart;
    private int rxEnd;
    private final MemorySegment tx = arena.allocate(TX_CAPACITY);
    /** Bytes queued in {@link #tx}; written under {@link #io}. */
    private volatile int txEnd;

    private StreamNetif(String name, int handle, MacAddress mac, int fd, String path, HostPoller poller, Console console, int mtu) {
        super(name, handle, mac, fd, poller, console, mtu, MAX_WIRE);
        this.path = path;
    }

    /**
     * Connects to the stream socket at {@code path}.
     *
     * @throws HostException naming the failing call and errno (ENOENT: no such socket,
     *     ECONNREFUSED: nobody listening, EACCES, ...)
     */
    static StreamNetif connect(String name, int handle, MacAddress mac, String path, HostPoller poller, Console console)
            throws HostException {
        return connect(name, handle, mac, path, poller, console, DEFAULT_MTU);
    }

    /** As {@link #connect(String, int, MacAddress, String, HostPoller, Console)}, sending frames up to {@code mtu}. */
    static StreamNetif connect(String name, int handle, MacAddress mac, String path, HostPoller poller, Console console, int mtu)
            throws HostException {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_PATH) {
            throw new IllegalArgumentException("socket path of " + bytes.length + " bytes");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.errnoState(a);
            int fd = Libc.socket(state, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new HostException("socket AF_UNIX", Libc.errno(state));
            }
            MemorySegment address = a.allocate(2 + MAX_PATH + 1, 2);
            address.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(bytes, 0, address, JAVA_BYTE, 2, bytes.length);
            if (Libc.connect(state, fd, address, (int) address.byteSize()) < 0) {
                int errno = Libc.errno(state);
                Libc.close(state, fd);
                throw new HostException("connect " + path, errno);
            }
            return new StreamNetif(name, handle, mac, fd, path, poller, console, mtu);
        }
    }

    @Override
    public String attachment() {
        return "unix:" + path;
    }

    @Override
    void transmit(MemorySegment bytes, int length) {
        int end = txEnd;
        if (end + 4 + length > TX_CAPACITY) {
            flush();
            end = txEnd;
            if (end + 4 + length > TX_CAPACITY) {
                counters().txDropped();
                return;
            }
        }
        tx.set(LENGTH, end, length);
        MemorySegment.copy(bytes, 0, tx, end + 4, length);
        txEnd = end + 4 + length;
        counters().tx(length);
        flush();
        if (txEnd > 0) {
            wakePoller(); // so that the poll asks for POLLOUT
        }
    }

    /** Writes what the socket takes of the queue; under {@link #io}. */
    private void flush() {
        int end = txEnd;
        int done = 0;
        while (done < end && fd >= 0) {
            long n = Libc.send(txState, fd, tx.asSlice(done), end - done, Libc.MSG_NOSIGNAL);
            if (n < 0) {
                int errno = Libc.errno(txState);
                if (errno == Libc.EINTR) {
                    continue;
                }
                if (errno != Libc.EAGAIN) {
                    counters().txError();
                    fail(new HostException("send", errno).getMessage());
                    done = end;
                }
                break;
            }
            done += (int) n;
        }
        if (done > 0) {
            MemorySegment.copy(tx, done, tx, 0, end - done);
            txEnd = end - done;
        }
    }

    @Override
    public short interest() {
        return txEnd > 0 ? (short) (Libc.POLLIN | Libc.POLLOUT) : Libc.POLLIN;
    }

    @Override
    public boolean buffered() {
        int have = rxEnd - rxStart;
        if (have < 4) {
            return false;
        }
        int length = rx.get(LENGTH, rxStart);
        return length < 0 || length > MAX_WIRE || have >= 4 + length;
    }

    @Override
    public boolean service(short revents) {
        if ((revents & Libc.POLLOUT) != 0) {
            synchronized (io) {
                flush();
            }
        }
        int frames = 0;
        boolean any = rxEnd > rxStart;
        while (frames < BUDGET) {
            // cut out whole frames
            while (frames < BUDGET && rxEnd - rxStart >= 4) {
                int length = rx.get(LENGTH, rxStart);
                if (length < 0 || length > MAX_WIRE) {
                    counters().rxError();
                    fail("the peer sent a frame length of " + Integer.toUnsignedString(length)
                            + " (at most " + MAX_WIRE + "): the stream is not 4-byte length-prefixed frames");
                    return true;
                }
                if (rxEnd - rxStart < 4 + length) {
                    break;
                }
                if (length <= frame.byteSize()) {
                    MemorySegment.copy(rx, rxStart + 4, frame, 0, length);
                    deliver(length);
                } else {
                    counters().rxError();
                }
                rxStart += 4 + length;
                frames++;
            }
            if (frames >= BUDGET) {
                break;
            }
            if (rxStart > 0) {
                MemorySegment.copy(rx, rxStart, rx, 0, rxEnd - rxStart);
                rxEnd -= rxStart;
                rxStart = 0;
            }
            long n = read(rx.asSlice(rxEnd), rx.byteSize() - rxEnd);
            if (n == 0) {
                fail("the peer closed the stream");
                break;
            }
            if (n < 0) {
                int errno = Libc.errno(rxState);
                if (n == -1 && errno != Libc.EAGAIN && errno != Libc.EINTR) {
                    counters().rxError();
                    fail(new HostException("read", errno).getMessage());
                }
                break;
            }
            any = true;
            rxEnd += (int) n;
        }
        return any;
    }
}
