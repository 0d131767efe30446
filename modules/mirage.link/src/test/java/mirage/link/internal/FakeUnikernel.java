package mirage.link.internal;

import java.time.Duration;
import mirage.core.Console;
import mirage.core.Unikernel;
import mirage.core.spi.EventLoop;

/** A unikernel whose start records what the generated boot class passes it. */
public final class FakeUnikernel implements Unikernel {
    static Object[] received;

    public void start(Console console, EventLoop loop, String text, int count, long big, boolean flag, Duration pause,
            Integer boxed) {
        received = new Object[] {console, loop, text, count, big, flag, pause, boxed};
    }
}
