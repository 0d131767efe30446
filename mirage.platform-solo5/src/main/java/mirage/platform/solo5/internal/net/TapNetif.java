package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import mirage.core.Console;
import mirage.net.MacAddress;
import mirage.platform.solo5.internal.host.HostException;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.host.Libc;

/**
 * A Linux TAP interface: {@code /dev/net/tun} opened non-blocking, attached with
 * {@code TUNSETIFF} ({@code IFF_TAP | IFF_NO_PI | IFF_VNET_HDR}: whole Ethernet frames, no
 * packet-information header, each behind a {@link VirtioNetHeader}). A name that does not exist
 * creates a non-persistent TAP that vanishes when the device is closed; an existing persistent
 * TAP is attached.
 *
 * <p>The virtio header never reaches the stack: it is stripped from what is read and written in
 * front of what is sent ({@link VnetNetif}). It carries TCP segmentation offload
 * ({@link #tcpSegmentation()}): the stack hands the kernel TCP frames of up to 64 KiB that it
 * segments and checksums only if it has to. {@code TUNSETOFFLOAD} 0 keeps the other direction plain: the kernel sends us
 * MTU-sized frames with complete checksums. See docs/decisions/0027.
 */
public final class TapNetif extends VnetNetif {
    /** {@code _IOW('T', 202, int)}. */
    static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 208, unsigned int)}: the offloads we accept from the kernel. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOW('T', 216, int)}. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code _IOW('T', 220, int)}: the virtio header in little-endian (virtio 1.0) order on any host. */
    static final long TUNSETVNETLE = 0x400454dcL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;
    /** {@code IFNAMSIZ}: names are at most 15 bytes and a NUL. */
    public static final int IFNAMSIZ = 16;
    static final int IFREQ = 40;

    private final String ifname;

    private TapNetif(String name, int handle, MacAddress mac, int fd, String ifname, HostPoller poller, Console console, int mtu) {
        super(name, handle, mac, fd, poller, console, mtu, maxTagged(mtu));
        this.ifname = ifname;
    }

    /**
     * Opens {@code /dev/net/tun} and attaches it to TAP {@code ifname}.
     *
     * @throws HostException naming the failing call and errno (EPERM without CAP_NET_ADMIN,
     *     EBUSY when another process holds the TAP, EINVAL when the name is not a TAP, ...)
     */
    static TapNetif open(String name, int handle, MacAddress mac, String ifname, HostPoller poller, Console console)
            throws HostException {
        return open(name, handle, mac, ifname, poller, console, DEFAULT_MTU);
    }

    /** As {@link #open(String, int, MacAddress, String, HostPoller, Console)}, sending frames up to {@code mtu}. */
    static TapNetif open(String name, int handle, MacAddress mac, String ifname, HostPoller poller, Console console, int mtu)
            throws HostException {
        byte[] bytes = ifname.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name of " + bytes.length + " bytes");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.errnoState(a);
            int fd = Libc.open(state, a.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new HostException("open /dev/net/tun", Libc.errno(state));
            }
            MemorySegment ifreq = a.allocate(IFREQ, 8);
            MemorySegment.copy(bytes, 0, ifreq, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            ifreq.set(JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            if (Libc.ioctl(state, fd, TUNSETIFF, ifreq) < 0) {
                int errno = Libc.errno(state);
                Libc.close(state, fd);
                throw new HostException("TUNSETIFF " + ifname, errno);
            }
            String failed = null;
            if (Libc.ioctl(state, fd, TUNSETVNETHDRSZ, a.allocateFrom(JAVA_INT, VirtioNetHeader.LENGTH)) < 0) {
                failed = "TUNSETVNETHDRSZ";
            } else if (Libc.ioctl(state, fd, TUNSETVNETLE, a.allocateFrom(JAVA_INT, 1)) < 0) {
                failed = "TUNSETVNETLE";
            } else if (Libc.ioctl(state, fd, TUNSETOFFLOAD, MemorySegment.NULL) < 0) {
                failed = "TUNSETOFFLOAD"; // the argument is the flags themselves: 0, nothing offloaded to us
            }
            if (failed != null) {
                int errno = Libc.errno(state);
                Libc.close(state, fd);
                throw new HostException(failed + " " + ifname, errno);
            }
            return new TapNetif(name, handle, mac, fd, ifreq.getString(0, StandardCharsets.US_ASCII), poller, console, mtu);
        }
    }

    /** The interface's name as the kernel gave it. */
    public String ifname() {
        return ifname;
    }

    @Override
    public String attachment() {
        return "TAP " + ifname;
    }

    @Override
    public boolean service(short revents) {
        boolean any = false;
        for (int i = 0; i < BUDGET; i++) {
            long n = read(rxBuffer, rxBuffer.byteSize());
            if (n < 0) {
                if (n == -1 && Libc.errno(rxState) != Libc.EAGAIN && Libc.errno(rxState) != Libc.EINTR) {
                    counters().rxError();
                }
                break;
            }
            any = true;
            if (n < VirtioNetHeader.LENGTH || !VirtioNetHeader.plain(rxBuffer, 0)) {
                counters().rxError(); // TUNSETOFFLOAD 0: the kernel never asks us to segment or checksum
                continue;
            }
            // read(2) truncates a frame longer than the buffer, which is one byte longer than
            // any acceptable frame: deliver counts it as an error
            deliver((int) n - VirtioNetHeader.LENGTH);
        }
        return any || (revents & Libc.POLLIN) != 0;
    }
}
