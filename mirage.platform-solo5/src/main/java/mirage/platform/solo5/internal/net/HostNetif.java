package mirage.platform.solo5.internal.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import mirage.core.Console;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.host.Libc;
import mirage.platform.solo5.internal.host.Pollable;

/**
 * A {@code NET_BASIC} device bound to a host file descriptor, seen as a {@link Netif}.
 *
 * <p>Receiving: the platform's poller calls {@link #service} on the event loop's thread when the
 * descriptor is readable; at most {@link #BUDGET} frames are delivered per call, each as a
 * read-only view of one reused buffer, from index 0. Sending: any thread, serialised by a lock;
 * the frame is written before {@link #send} returns (a TAP writes a frame in native memory where
 * it lies, and copies one on the heap first), or queued, for a stream, so the caller never waits
 * for the event loop.
 */
public abstract sealed class HostNetif implements Device, Netif, Pollable permits VnetNetif, StreamNetif {
    /** Frames delivered per loop turn, at most. */
    static final int BUDGET = 64;
    /** The MTU of a device bound without {@code --net-mtu}: Ethernet's. */
    public static final int DEFAULT_MTU = 1500;
    /** The largest MTU a binding accepts: passt's, 65,520 (the largest 802.3 frame minus its header, in IPv4 words). */
    public static final int MAX_MTU = 65_520;

    private final String name;
    private final int handle;
    private final MacAddress mac;
    private final HostPoller poller;
    private final Console console;
    /** Guards the descriptor and transmit state. */
    protected final Object io = new Object();
    /** Guarded by {@link #io}; -1 once released. */
    protected int fd;
    protected final Arena arena = Arena.ofAuto();
    /** errno capture for the loop thread's reads. */
    protected final MemorySegment rxState = Libc.errnoState(arena);
    /** errno capture for writes, under {@link #io}. */
    protected final MemorySegment txState = Libc.errnoState(arena);
    /**
     * The longest frame accepted from the device: the MTU's (with a tag) for a TAP, whose
     * kernel side has the same MTU; more for a stream, whose peer (passt: 65,520) may send
     * frames larger than the MTU this side sends, and which robustness says to take.
     */
    private final int maxReceive;
    /** The largest payload this side sends. */
    private final int mtu;
    /**
     * Where the device reads: {@code rxHeadroom} bytes of device header (a TAP's
     * {@code virtio_net_hdr}), then {@link #frame}.
     */
    protected final MemorySegment rxBuffer;
    /** One received frame, from index 0; reused. One byte more than a frame may have, to see longer ones. */
    protected final MemorySegment frame;
    private final ByteBuffer view;
    private volatile FrameReceiver receiver;
    private volatile boolean closed;
    private volatile String failure;
    private final Counters counters = new Counters();

    HostNetif(String name, int handle, MacAddress mac, int fd, HostPoller poller, Console console, int mtu, int maxReceive) {
        this(name, handle, mac, fd, poller, console, mtu, maxReceive, 0);
    }

    HostNetif(String name, int handle, MacAddress mac, int fd, HostPoller poller, Console console, int mtu, int maxReceive,
            int rxHeadroom) {
        this.mtu = mtu;
        this.maxReceive = maxReceive;
        this.rxBuffer = arena.allocate(rxHeadroom + maxReceive + 1, 8);
        this.frame = rxBuffer.asSlice(rxHeadroom);
        this.view = frame.asByteBuffer().asReadOnlyBuffer();
        this.name = name;
        this.handle = handle;
        this.mac = mac;
        this.fd = fd;
        this.poller = poller;
        this.console = console;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DeviceKind kind() {
        return DeviceKind.NET_BASIC;
    }

    @Override
    public final int handle() {
        return handle;
    }

    @Override
    public final MacAddress mac() {
        return mac;
    }

    @Override
    public final int mtu() {
        return mtu;
    }

    /** What the device is attached to, for messages: "TAP mtap0", "unix:/run/x.sock". */
    public abstract String attachment();

    @Override
    public final void send(ByteBuffer bytes) throws NetException {
        int length = bytes.remaining();
        if (length < HEADER_LENGTH) {
            throw new IllegalArgumentException("a frame has at least " + HEADER_LENGTH + " bytes, not " + length);
        }
        if (length > maxLength(bytes, bytes.position())) {
            throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                    "frame of " + length + " bytes exceeds MTU " + mtu + " on " + name);
        }
        synchronized (io) {
            checkOpen();
            transmit(MemorySegment.ofBuffer(bytes), length);
        }
    }

    /** Throws {@code DISCONNECTED} if the device is closed or failed; under {@link #io}. */
    final void checkOpen() throws NetException {
        if (closed || fd < 0) {
            throw new NetException(NetException.Reason.DISCONNECTED, "net device " + name + " is closed");
        }
        String f = failure;
        if (f != null) {
            throw new NetException(NetException.Reason.DISCONNECTED, "net device " + name + " failed: " + f);
        }
    }

    /** Most bytes a frame may have: MTU + header, or 4 more with an 802.1Q tag. */
    private int maxLength(ByteBuffer b, int at) {
        boolean tagged = (b.get(at + 12) & 0xff) == 0x81 && b.get(at + 13) == 0;
        return tagged ? maxTagged(mtu) : mtu + HEADER_LENGTH;
    }

    /** The longest frame with one 802.1Q tag at {@code mtu}. */
    static int maxTagged(int mtu) {
        return mtu + HEADER_LENGTH + 4;
    }

    /** Writes or queues one frame; under {@link #io}, descriptor open. Counts tx. */
    abstract void transmit(MemorySegment bytes, int length);

    @Override
    public final void listen(FrameReceiver receiver) {
        this.receiver = java.util.Objects.requireNonNull(receiver, "receiver");
    }

    /**
     * Hands {@code length} bytes of {@link #frame} to the receiver, counting; loop thread. Frames
     * too short or too long are counted as errors.
     */
    final void deliver(int length) {
        if (length < HEADER_LENGTH || length > maxReceive
                || (maxReceive == maxTagged(mtu) && length > mtu + HEADER_LENGTH
                        && !(frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 12) == (byte) 0x81
                        && frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 13) == 0))) {
            counters.rxError();
            return;
        }
        FrameReceiver r = receiver;
        if (r == null || closed) {
            counters.rxDropped();
            return;
        }
        view.limit(length).position(0);
        try {
            r.receive(view);
        } catch (RuntimeException e) {
            counters.rxDropped();
            console.println("mirage: receiver of net device " + name + " failed: " + e);
            return;
        }
        counters.rx(length);
    }

    final Counters counters() {
        return counters;
    }

    /** Marks the device failed for good (peer gone, fatal error): no more polling, sends throw. */
    final void fail(String why) {
        if (failure == null && !closed) {
            failure = why;
            console.println("mirage: net device " + name + " (" + attachment() + ") failed: " + why);
        }
    }

    /** Prints one line about the device on the console. */
    final void report(String line) {
        console.println("mirage: net device " + name + " (" + attachment() + "): " + line);
    }

    /** Why the device failed, or null. */
    public final String failure() {
        return failure;
    }

    @Override
    public final int fd() {
        if (closed || failure != null) {
            return -1;
        }
        synchronized (io) {
            return fd;
        }
    }

    @Override
    public short interest() {
        return Libc.POLLIN;
    }

    @Override
    public boolean buffered() {
        return false;
    }

    /** Reads into native memory under {@link #io}; -1 with errno in {@link #rxState}, or -2 if released. */
    final long read(MemorySegment into, long count) {
        synchronized (io) {
            if (fd < 0) {
                return -2;
            }
            return Libc.read(rxState, fd, into, count);
        }
    }

    @Override
    public final Stats stats() {
        return counters.snapshot();
    }

    @Override
    public final void release() {
        synchronized (io) {
            if (fd >= 0) {
                detach();
                Libc.close(txState, fd);
                fd = -1;
            }
        }
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            poller.release(this);
        }
    }

    /** Undoes what binding did to the host beyond the descriptor, just before it is closed; under {@link #io}. */
    void detach() {}

    /** Wakes the poller, so that it polls for output. */
    final void wakePoller() {
        poller.wake();
    }

    @Override
    public String toString() {
        return "net device " + name + " (" + attachment() + ", " + mac + ")";
    }

    /** The counters, updated and read under one lock so a snapshot is consistent. */
    static final class Counters {
        private long rxFrames;
        private long rxBytes;
        private long rxDropped;
        private long rxErrors;
        private long txFrames;
        private long txBytes;
        private long txDropped;
        private long txErrors;

        synchronized void rx(int bytes) {
            rxFrames++;
            rxBytes += bytes;
        }

        synchronized void rxDropped() {
            rxDropped++;
        }

        synchronized void rxDropped(long frames) {
            rxDropped += frames;
        }

        synchronized void rxError() {
            rxErrors++;
        }

        synchronized void tx(int bytes) {
            txFrames++;
            txBytes += bytes;
        }

        synchronized void txDropped() {
            txDropped++;
        }

        synchronized void txError() {
            txErrors++;
        }

        synchronized Stats snapshot() {
            return new Stats(rxFrames, rxBytes, rxDropped, rxErrors, txFrames, txBytes, txDropped, txErrors);
        }
    }
}
