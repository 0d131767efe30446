package mirage.net.internal.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.LongSupplier;
import mirage.net.NetException;
import mirage.net.Netif;

/**
 * A {@link Netif} that records every frame it sends and receives to a pcap file, then passes
 * it on: smoltcp's {@code PcapWriter} device, tcpdump inside the unikernel. A frame is
 * recorded before it is sent (so a send that fails is still seen) and before the receiver
 * sees it. A capture that fails (disk full) stops recording, keeps the failure for
 * {@link #failure()}, and never disturbs the interface.
 */
public final class CaptureNetif implements Netif {
    private final Netif inner;
    private final PcapWriter writer;
    private final LongSupplier clock;
    private volatile IOException failure;
    private volatile boolean recording = true;

    public CaptureNetif(Netif inner, PcapWriter writer, LongSupplier wallClockNanos) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(wallClockNanos, "wallClockNanos");
    }

    private void record(ByteBuffer frame) {
        if (!recording) {
            return;
        }
        try {
            writer.write(Math.max(0, clock.getAsLong()), frame);
        } catch (IOException e) {
            failure = e;
            recording = false;
        } catch (RuntimeException e) {
            failure = new IOException("capture stopped: " + e.getMessage(), e);
            recording = false;
        }
    }

    /** Why recording stopped, if it did. */
    public java.util.Optional<IOException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    @Override
    public mirage.net.MacAddress mac() {
        return inner.mac();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void send(ByteBuffer frame) throws NetException {
        record(frame);
        inner.send(frame);
    }

    @Override
    public void listen(FrameReceiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        inner.listen(frame -> {
            record(frame);
            receiver.receive(frame);
        });
    }

    @Override
    public Stats stats() {
        return inner.stats();
    }

    /** Closes the interface, then the capture file (its last records written out). */
    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            recording = false;
            try {
                writer.close();
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
