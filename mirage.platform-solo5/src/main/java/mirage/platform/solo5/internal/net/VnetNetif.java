package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Optional;
import mirage.core.Console;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.host.Libc;

/**
 * A host device that carries a {@link VirtioNetHeader} in front of every frame it reads and
 * writes: a TAP opened with {@code IFF_VNET_HDR}, an {@code AF_PACKET} socket with
 * {@code PACKET_VNET_HDR}. Sending is the same for both: one {@code writev} of the header and
 * the frame, a plain frame behind an all-zero header and a TCP super-frame behind a
 * segmentation header ({@link #tcpSegmentation()}, docs/decisions/0027). Receiving is each
 * device's own.
 */
abstract sealed class VnetNetif extends HostNetif permits TapNetif, PacketNetif {
    /** The longest frame the segmentation offload takes: an Ethernet header and the largest IPv4 datagram. */
    public static final int MAX_SEGMENTATION_FRAME = 14 + 0xffff;

    /** The header being sent, then room to copy a heap frame behind it; under {@link #io}. */
    private final MemorySegment tx;
    private final Segmentation segmentation = new Segmentation();
    /** Two {@code struct iovec}s: the virtio header in {@link #tx}, then the frame where it is; under {@link #io}. */
    private final MemorySegment iov = arena.allocate(2L * Libc.IOVEC, 8);

    VnetNetif(String name, int handle, MacAddress mac, int fd, HostPoller poller, Console console, int mtu, int maxReceive) {
        super(name, handle, mac, fd, poller, console, mtu, maxReceive, VirtioNetHeader.LENGTH);
        this.tx = arena.allocate(VirtioNetHeader.LENGTH + Math.max(maxTagged(mtu), MAX_SEGMENTATION_FRAME), 8);
    }

    @Override
    final void transmit(MemorySegment bytes, int length) {
        VirtioNetHeader.writePlain(tx, 0);
        write(bytes, length);
    }

    /**
     * Writes {@link #tx}'s header and then {@code length} bytes of {@code bytes}; under
     * {@link #io}. Counts tx. Native bytes (a direct buffer's) go out from where they are, in
     * one {@code writev} with the header; heap bytes are copied behind the header first.
     */
    private void write(MemorySegment bytes, int length) {
        long total = VirtioNetHeader.LENGTH + length;
        long n;
        if (bytes.isNative()) {
            iov.set(ADDRESS, 0, tx);
            iov.set(JAVA_LONG, 8, VirtioNetHeader.LENGTH);
            iov.set(ADDRESS, Libc.IOVEC, bytes);
            iov.set(JAVA_LONG, Libc.IOVEC + 8, length);
            n = Libc.writev(txState, fd, iov, 2);
        } else {
            MemorySegment.copy(bytes, 0, tx, VirtioNetHeader.LENGTH, length);
            n = Libc.write(txState, fd, tx, total);
        }
        if (n == total) {
            counters().tx(length);
        } else if (n < 0) {
            writeFailed(Libc.errno(txState));
        } else {
            counters().txError();
        }
    }

    /**
     * Counts a write that failed with {@code errno}, under {@link #io}: {@code EAGAIN} (the
     * device's queue is full) as dropped, anything else as an error.
     */
    void writeFailed(int errno) {
        if (errno == Libc.EAGAIN) {
            counters().txDropped();
        } else {
            counters().txError();
        }
    }

    /** TCP segmentation offload through the virtio header: see the class comment. */
    @Override
    public final Optional<TcpSegmentation> tcpSegmentation() {
        return Optional.of(segmentation);
    }

    private final class Segmentation implements TcpSegmentation {
        @Override
        public int maxFrame() {
            return MAX_SEGMENTATION_FRAME;
        }

        @Override
        public boolean ipv6() {
            return true; // VIRTIO_NET_HDR_GSO_TCPV6
        }

        @Override
        public void send(ByteBuffer frame, int segmentSize) throws NetException {
            int length = frame.remaining();
            if (length > MAX_SEGMENTATION_FRAME) {
                throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                        "frame of " + length + " bytes exceeds " + MAX_SEGMENTATION_FRAME + " on " + name());
            }
            synchronized (io) {
                checkOpen();
                VirtioNetHeader.writeSegmentation(tx, 0, frame, segmentSize, mtu() + HEADER_LENGTH);
                write(MemorySegment.ofBuffer(frame), length);
            }
        }
    }
}
