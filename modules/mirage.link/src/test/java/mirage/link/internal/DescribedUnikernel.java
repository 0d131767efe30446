package mirage.link.internal;

import mirage.core.Console;
import mirage.core.Unikernel;
import mirage.time.Sleep;

/** The shape of examples/hello, for descriptions compiled by the tests. */
public final class DescribedUnikernel implements Unikernel {
    public void start(Console console, Sleep sleep, String hello, int count) {
        throw new UnsupportedOperationException("only described, never started");
    }
}
