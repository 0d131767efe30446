package mirage.link.internal;

import mirage.core.Rng;
import mirage.core.Unikernel;
import mirage.kv.KvRw;

/** A unikernel taking the same devices twice, and a separate instance of one; records them. */
public final class SharingUnikernel implements Unikernel {
    static Object[] received;

    public void start(Rng rng, Rng again, KvRw store, KvRw sameStore, KvRw cache) {
        received = new Object[] {rng, again, store, sameStore, cache};
    }
}
