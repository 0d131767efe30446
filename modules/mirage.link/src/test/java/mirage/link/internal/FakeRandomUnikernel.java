package mirage.link.internal;

import mirage.core.Rng;
import mirage.core.Unikernel;

/** A unikernel that takes a random number generator and records it. */
public final class FakeRandomUnikernel implements Unikernel {
    static Rng received;

    public void start(Rng rng) {
        received = rng;
    }
}
