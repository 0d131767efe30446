package mirage.platform.xen.internal.binding.front;

import java.nio.charset.StandardCharsets;
import mirage.core.Console;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.engine.ByteRing;
import mirage.platform.xen.internal.hypervisor.Hypervisor;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.wire.ByteRingLayout;

/**
 * The PV console (io/console.h) as a {@link Console}: lines go to the {@code out} ring of the
 * start info's console page and the back end is notified. When the ring is full a line waits
 * for room (the back end notifies as it drains), at most {@link #WAIT} from a task, not at all
 * on the domain's event thread; what does not fit then is dropped and counted (Solo5's
 * console is best effort too).
 *
 * <p>Thread-safe: lines from several threads do not interleave.
 */
public final class ConsoleFront implements Console {
    /** The longest a line waits for room. */
    public static final long WAIT = 2_000_000_000L;

    private final Hypervisor hv;
    private final Blocker blocker;
    private final ByteRing out;
    private final int port;
    private long dropped;

    private ConsoleFront(Hypervisor hv, Blocker blocker, ByteRing out, int port) {
        this.hv = hv;
        this.blocker = blocker;
        this.out = out;
        this.port = port;
    }

    /** The console of {@code hv}'s start info; its port's events wake writers waiting for room. */
    public static ConsoleFront open(Hypervisor hv, DomainEvents events, Blocker blocker) {
        var start = hv.startInfo();
        ConsoleFront c = new ConsoleFront(hv, blocker, new ByteRing(start.console(), ByteRingLayout.CONSOLE_OUT),
                start.consolePort());
        events.bind(c.port, p -> {
            blocker.signalAll();
            return 0;
        });
        return c;
    }

    @Override
    public synchronized void println(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int at = 0;
        long deadline = blocker.now() + WAIT;
        while (at < b.length) {
            int n = out.write(b, at, b.length - at);
            if (n < 0) {
                dropped += b.length - at;
                return;
            }
            if (n > 0) {
                at += n;
                kick();
                continue;
            }
            boolean room = false;
            if (!blocker.onEventThread()) {
                try {
                    room = blocker.await(() -> out.space() != 0, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IllegalStateException e) {
                    room = false;
                }
            }
            if (!room) {
                dropped += b.length - at;
                return;
            }
        }
    }

    private void kick() {
        try {
            hv.notify(port);
        } catch (HypervisorException e) {
            // no console back end: the bytes stay in the ring
        }
    }

    /** Bytes dropped for want of room. */
    public synchronized long dropped() {
        return dropped;
    }
}
