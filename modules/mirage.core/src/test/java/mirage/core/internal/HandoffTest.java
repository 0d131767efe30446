package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import mirage.testkit.VirtualPlatform;

/** {@code EventLoop.call} on the real loop: the action runs on the loop's thread; results and exceptions come back. */
class HandoffTest {

    @Test
    void call_fromVirtualThread_runsOnLoopThread_returnsResultAndRethrows() throws Exception {
        VirtualPlatform platform = VirtualPlatform.create();
        Loop loop = new Loop(platform);
        Thread loopThread = Thread.ofPlatform().start(loop::run);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Future<Integer> r = pool.submit(() -> loop.call(() -> {
                ranOn.set(Thread.currentThread());
                return 42;
            }));
            assertEquals(42, r.get());
            assertEquals(loopThread, ranOn.get());
            Future<?> f = pool.submit(() -> loop.<Void, IOException>call(() -> {
                throw new IOException("checked");
            }));
            Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, f::get).getCause();
            assertTrue(cause instanceof IOException && cause.getMessage().equals("checked"), String.valueOf(cause));
            Future<?> u = pool.submit(() -> loop.call(() -> {
                throw new IllegalStateException("unchecked");
            }));
            assertTrue(assertThrows(java.util.concurrent.ExecutionException.class, u::get).getCause() instanceof IllegalStateException);
        } finally {
            loop.stop();
            loopThread.join(5000);
        }
    }
}
