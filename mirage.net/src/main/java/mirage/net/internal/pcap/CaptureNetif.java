package mirage.net.internal.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.internal.wire.TcpSegmenter;

/**
 * A {@link Netif} that records every frame it sends and receives to a pcap file, then passes
 * it on: smoltcp's {@code PcapWriter} device, tcpdump inside the unikernel. A frame is
 * recorded before it is sent (so a send that fails is still seen) and before the receiver
 * sees it. Over an interface with TCP segmentation offload, a large frame is recorded as the
 * segments the device makes of it. A capture that fails (disk full) stops recording, keeps the failure for
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

    /**
     * The inner interface's segmentation offload, if it has one, recording each large frame as
     * the segments the device will send (cut in software: {@link TcpSegmenter}), so that the
     * capture holds the frames on the wire, each with its complete checksum.
     */
    @Override
    public Optional<TcpSegmentation> tcpSegmentation() {
        return inner.tcpSegmentation().map(offload -> new TcpSegmentation() {
            private final TcpSegmenter segmenter = new TcpSegmenter(TcpSegmenter.ETHERNET, HEADER_LENGTH + inner.mtu());

            @Override
            public int maxFrame() {
                return offload.maxFrame();
            }

            @Override
            public boolean ipv6() {
                return offload.ipv6(); // the segmenter cuts both families
            }

            @Override
            public void send(ByteBuffer frame, int segmentSize) throws NetException {
                String problem = TcpSegmenter.problem(frame, TcpSegmenter.ETHERNET, segmentSize, HEADER_LENGTH + inner.mtu());
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                if (recording && frame.remaining() <= offload.maxFrame()) {
                    synchronized (segmenter) {
                        segmenter.segment(frame, segmentSize, CaptureNetif.this::record);
                    }
                }
                offload.send(frame, segmentSize);
            }
        });
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
