package mirage.core.internal;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import mirage.core.spi.Platform;

/**
 * How a {@link Loop} starts application tasks ({@link mirage.core.spi.EventLoop#spawn}): as
 * virtual threads whose scheduler is the loop itself (docs/decisions/0079). A task's
 * continuation is handed to the loop's inbox, as any action is, and runs on the loop's thread
 * between the loop's other actions, as MirageOS's cooperative threads run on its one event
 * loop: the loop resuming a task it signalled costs no wake-up of another thread, and a task
 * handing work to the loop costs no wake-up of the loop (it is running).
 *
 * <p>The JDK has no public API for a virtual thread's scheduler; its builder's package-private
 * constructor taking one is reached by reflection, which needs {@code java.lang} opened to this
 * module ({@code --add-opens=java.base/java.lang=mirage.core}, which the link tool bakes into
 * images with devices). Where it cannot be reached, or where {@code -Dmirage.tasks=pool} asks
 * for it, tasks are virtual threads of the JDK's own scheduler, as before; the first is then
 * preceded by one line on the console saying why (none when asked for).
 *
 * <p>What follows for a task on the loop: it runs until it parks (waits on a
 * {@link mirage.core.spi.EventLoop.Waiter}, {@code call}s the loop, sleeps, takes a contended
 * lock); CPU work between parks delays the loop's devices and timers by as long, and a call
 * that blocks without unmounting the virtual thread (file I/O, a native call, a class
 * initializer another thread runs) blocks the loop. Virtual threads such a task starts with
 * {@code Thread.ofVirtual()} inherit its scheduler (the JDK's rule), so they run on the loop
 * too. Tasks still parked when the loop stops are never resumed.
 */
final class LoopTasks implements Executor {
    /** The system property choosing where tasks run: {@code loop} (the default) or {@code pool}. */
    static final String PROPERTY = "mirage.tasks";

    private final Loop loop;
    /** Makes virtual threads scheduled by {@link #execute}; {@code null}: the JDK's scheduler. */
    private final ThreadFactory onLoop;

    private LoopTasks(Loop loop, boolean wanted, Platform platform) {
        this.loop = loop;
        ThreadFactory made = null;
        if (wanted) {
            try {
                made = scheduledBy(this);
            } catch (ReflectiveOperationException | RuntimeException e) {
                platform.console().println("mirage: application tasks run on the JDK's scheduler, not on the event loop"
                        + " (add --add-opens=java.base/java.lang=mirage.core to the JVM's options to run them on the loop): "
                        + e);
            }
        }
        this.onLoop = made;
    }

    /** Tasks for {@code loop} as {@link #PROPERTY} asks. */
    static LoopTasks of(Loop loop, Platform platform) {
        return new LoopTasks(loop, !"pool".equals(System.getProperty(PROPERTY)), platform);
    }

    /** Tasks for {@code loop} on the JDK's scheduler. */
    static LoopTasks pooled(Loop loop, Platform platform) {
        return new LoopTasks(loop, false, platform);
    }

    /** Whether tasks run on the loop's thread. */
    boolean onLoop() {
        return onLoop != null;
    }

    /** Starts {@code task} as a virtual thread named {@code name}. */
    void start(String name, Runnable task) {
        if (onLoop == null) {
            Thread.ofVirtual().name(name).start(task);
            return;
        }
        Thread t = onLoop.newThread(task);
        t.setName(name);
        t.start();
    }

    /**
     * The scheduler of the virtual threads made by {@link #start}: a continuation that is ready
     * (started, unparked, yielded) runs on the loop's thread at its next turn. From the loop's
     * thread or a task on it, the loop is running and is not woken; from another thread (a timer
     * of the JDK's that ends a timed park, an unpark by a thread of the JDK's pool) it is woken
     * if it sleeps, as for any action.
     */
    @Override
    public void execute(Runnable continuation) {
        loop.execute(continuation);
    }

    /** A virtual-thread factory whose threads {@code scheduler} schedules. */
    private static ThreadFactory scheduledBy(Executor scheduler) throws ReflectiveOperationException {
        Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
        Constructor<?> withScheduler = builder.getDeclaredConstructor(Executor.class);
        withScheduler.setAccessible(true);
        return ((Thread.Builder.OfVirtual) withScheduler.newInstance(scheduler)).factory();
    }
}
