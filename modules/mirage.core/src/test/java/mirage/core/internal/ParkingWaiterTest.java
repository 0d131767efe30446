package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.spi.EventLoop;
import org.junit.jupiter.api.Test;
import mirage.testkit.VirtualPlatform;

/** EventLoop.Waiter on the real loop: a virtual thread parks until the loop signals, or a loop timer ends the wait. */
class ParkingWaiterTest {

    @Test
    void await_signalledFromLoop_returnsTrue_deadline_returnsFalse() throws Exception {
        VirtualPlatform platform = VirtualPlatform.create();
        Loop loop = new Loop(platform);
        Thread loopThread = Thread.ofPlatform().start(loop::run);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            EventLoop.Waiter w = loop.waiter();
            Future<Boolean> r = pool.submit(() -> w.await(Long.MAX_VALUE));
            Thread.sleep(20);
            assertFalse(r.isDone());
            loop.execute(w::signal);
            assertTrue(r.get());
            // the fake platform's clock jumps to each deadline: a deadline wait ends at once, false
            Future<Boolean> timed = pool.submit(() -> w.await(loop.now() + 1_000_000_000L));
            assertFalse(timed.get());
            w.signal();
            assertTrue(pool.submit(() -> w.await(0)).get(), "a permit granted before await is taken");
            assertEquals(IllegalStateException.class,
                    pool.submit(() -> loop.call(() -> {
                        try {
                            w.await(Long.MAX_VALUE);
                            return null;
                        } catch (IllegalStateException e) {
                            return e.getClass();
                        }
                    })).get());
        } finally {
            loop.stop();
            loopThread.join(5000);
        }
        assertThrows(NullPointerException.class, () -> new ParkingWaiter(null).await(Long.MAX_VALUE));
    }
}
