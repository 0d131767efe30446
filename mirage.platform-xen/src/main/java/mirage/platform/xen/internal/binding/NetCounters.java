package mirage.platform.xen.internal.binding;

import mirage.net.Netif.Stats;

/**
 * A network device's counters, updated and read under one lock so that a snapshot is
 * consistent: what netfront and netback report as {@link mirage.net.Netif#stats()}.
 */
public final class NetCounters {
    private long rxFrames;
    private long rxBytes;
    private long rxDropped;
    private long rxErrors;
    private long txFrames;
    private long txBytes;
    private long txDropped;
    private long txErrors;

    public synchronized void rx(int bytes) {
        rxFrames++;
        rxBytes += bytes;
    }

    public synchronized void rxDropped() {
        rxDropped++;
    }

    public synchronized void rxError() {
        rxErrors++;
    }

    public synchronized void tx(int bytes) {
        txFrames++;
        txBytes += bytes;
    }

    public synchronized void txDropped() {
        txDropped++;
    }

    public synchronized void txError() {
        txErrors++;
    }

    public synchronized Stats snapshot() {
        return new Stats(rxFrames, rxBytes, rxDropped, rxErrors, txFrames, txBytes, txDropped, txErrors);
    }
}
