package mirage.platform.solo5.internal.host;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import mirage.core.ArgumentException;

/**
 * The platform's wait when host devices are bound: one {@code ppoll(2)} over the devices' file
 * descriptors and an {@code eventfd(2)} that {@link #wake} writes. Serviced devices deliver
 * their input on the calling thread (the event loop's) before {@link #await} returns.
 *
 * <p>File descriptors are closed only while no poll is in progress ({@link #release}), so a
 * number is never reused under a poll that still lists it.
 */
public final class HostPoller implements AutoCloseable {
    private static final int POLLFD = 8;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment state = Libc.errnoState(arena);
    private final MemorySegment wakeState = Libc.errnoState(arena);
    private final MemorySegment counter = arena.allocate(JAVA_LONG);
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final MemorySegment timespec = arena.allocate(16, 8);
    private final int eventFd;
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Object wakeLock = new Object();
    private final Object guard = new Object();
    private final List<Pollable> devices = new ArrayList<>();
    private final List<Pollable> releases = new ArrayList<>();
    private Pollable[] polled = new Pollable[0];
    private MemorySegment fds = MemorySegment.NULL;
    private boolean polling;
    private boolean closed;

    private HostPoller(int eventFd) {
        this.eventFd = eventFd;
        one.set(JAVA_LONG, 0, 1L);
    }

    /** A poller with its eventfd. */
    public static HostPoller open() throws HostException {
        Arena a = Arena.ofConfined();
        try {
            MemorySegment s = Libc.errnoState(a);
            int fd = Libc.eventfd(s, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (fd < 0) {
                throw new HostException("eventfd", Libc.errno(s));
            }
            return new HostPoller(fd);
        } finally {
            a.close();
        }
    }

    /**
     * A poller, or a one-line refusal naming {@code option}, the binding that needed it. (The
     * platform calls this rather than catch {@link HostException} itself: a catch would load
     * the exception class at every boot, devices or not.)
     */
    public static HostPoller openFor(String option) throws ArgumentException {
        try {
            return open();
        } catch (HostException e) {
            throw new ArgumentException(ArgumentException.Problem.DEVICE, option, "cannot wait on devices: " + e.getMessage());
        }
    }

    /** Adds a device to wait on. */
    public void add(Pollable device) {
        synchronized (guard) {
            devices.add(device);
        }
    }

    /**
     * Closes {@code device}'s descriptor now, or after the poll in progress, and stops waiting
     * on it. Any thread.
     */
    public void release(Pollable device) {
        synchronized (guard) {
            devices.remove(device);
            if (polling) {
                releases.add(device);
            } else {
                device.release();
            }
        }
        wake();
    }

    /**
     * Waits up to {@code timeoutNanos} ({@link Long#MAX_VALUE}: no limit; 0: only look) for
     * device input or a {@link #wake}, services the devices that are ready, and returns the set
     * of their handles. Event loop's thread only.
     */
    public long await(long timeoutNanos) {
        if (woken.getAndSet(false)) {
            drainWake();
            timeoutNanos = 0;
        }
        int n;
        boolean immediate = timeoutNanos <= 0;
        synchronized (guard) {
            if (closed) {
                return 0L;
            }
            releasePending();
            if (polled.length < devices.size()) {
                polled = new Pollable[devices.size()];
            }
            long bytes = (long) POLLFD * (devices.size() + 1);
            if (fds.byteSize() < bytes) {
                fds = arena.allocate(bytes, 8);
            }
            fds.set(JAVA_INT, 0, eventFd);
            fds.set(JAVA_SHORT, 4, Libc.POLLIN);
            fds.set(JAVA_SHORT, 6, (short) 0);
            n = 0;
            for (Pollable d : devices) {
                int fd = d.fd();
                if (fd < 0) {
                    continue;
                }
                long at = (long) POLLFD * (n + 1);
                fds.set(JAVA_INT, at, fd);
                fds.set(JAVA_SHORT, at + 4, d.interest());
                fds.set(JAVA_SHORT, at + 6, (short) 0);
                polled[n++] = d;
                immediate |= d.buffered();
            }
            polling = true;
        }
        int r;
        try {
            MemorySegment timeout = MemorySegment.NULL;
            if (immediate) {
                timespec.set(JAVA_LONG, 0, 0L);
                timespec.set(JAVA_LONG, 8, 0L);
                timeout = timespec;
            } else if (timeoutNanos != Long.MAX_VALUE) {
                timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                timeout = timespec;
            }
            r = Libc.ppoll(state, fds, n + 1, timeout);
        } finally {
            synchronized (guard) {
                polling = false;
                releasePending();
            }
        }
        if (r < 0) {
            int errno = Libc.errno(state);
            if (errno == Libc.EINTR) {
                return 0L;
            }
            throw new UncheckedIOException(new HostException("ppoll", errno));
        }
        if ((fds.get(JAVA_SHORT, 6) & Libc.POLLIN) != 0) {
            drainWake();
            woken.set(false);
        }
        long ready = 0L;
        for (int i = 0; i < n; i++) {
            Pollable d = polled[i];
            polled[i] = null;
            short revents = fds.get(JAVA_SHORT, (long) POLLFD * (i + 1) + 6);
            if ((revents != 0 || d.buffered()) && d.fd() >= 0 && d.service(revents)) {
                ready |= 1L << d.handle();
            }
        }
        return ready;
    }

    private void drainWake() {
        Libc.read(state, eventFd, counter, 8);
    }

    private void releasePending() {
        for (Pollable d : releases) {
            d.release();
        }
        releases.clear();
    }

    /** Makes an {@link #await} in progress, or else the next one, return. Any thread. */
    public void wake() {
        if (!woken.getAndSet(true)) {
            synchronized (wakeLock) {
                if (!closed) {
                    Libc.write(wakeState, eventFd, one, 8);
                }
            }
        }
    }

    /** Releases every device still added and closes the eventfd. Idempotent. */
    @Override
    public void close() {
        synchronized (guard) {
            if (closed) {
                return;
            }
            releasePending();
            for (Pollable d : devices) {
                d.release();
            }
            devices.clear();
            synchronized (wakeLock) {
                closed = true;
                Libc.close(state, eventFd);
            }
        }
    }
}
