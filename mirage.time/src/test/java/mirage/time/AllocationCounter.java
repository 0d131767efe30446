package mirage.time;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Assumptions;

/**
 * Bytes allocated so far by one thread, from {@code com.sun.management.ThreadMXBean}. Reached
 * reflectively: test compilation is modular and {@code mirage.time} does not read
 * {@code jdk.management}; tests run on the class path, where it is visible. Skips the calling
 * test (an assumption) on a JVM without the counter.
 */
final class AllocationCounter {
    private final MethodHandle allocatedBytes;
    private final long threadId;

    private AllocationCounter(MethodHandle allocatedBytes, long threadId) {
        this.allocatedBytes = allocatedBytes;
        this.threadId = threadId;
    }

    static AllocationCounter forCurrentThread() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
            Assumptions.assumeTrue(sun.isInstance(bean), "no com.sun.management.ThreadMXBean");
            boolean on = (boolean) sun.getMethod("isThreadAllocatedMemorySupported").invoke(bean)
                    && (boolean) sun.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean);
            Assumptions.assumeTrue(on, "per-thread allocation counting is off");
            MethodHandle mh = MethodHandles.publicLookup()
                    .findVirtual(sun, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                    .bindTo(bean);
            return new AllocationCounter(mh, Thread.currentThread().threadId());
        } catch (ReflectiveOperationException e) {
            Assumptions.abort("no per-thread allocation counter: " + e);
            throw new AssertionError(e);
        }
    }

    long bytes() {
        try {
            return (long) allocatedBytes.invokeExact(threadId);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
