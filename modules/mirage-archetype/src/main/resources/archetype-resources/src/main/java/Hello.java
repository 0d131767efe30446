package ${package};

import java.time.Duration;
import mirage.core.Console;
import mirage.core.Unikernel;
import mirage.time.Sleep;

/** Prints {@code hello} (or {@code --hello=TEXT}) {@code --count} times, one second apart. */
public final class Hello implements Unikernel {

    public void start(Console console, Sleep sleep, String hello, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sleep.sleep(Duration.ofSeconds(1));
            }
            console.println(hello);
        }
    }
}
