package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import mirage.core.Console;
import mirage.net.MacAddress;
import mirage.platform.solo5.internal.host.HostException;
import mirage.platform.solo5.internal.host.HostPoller;
import mirage.platform.solo5.internal.host.Libc;

/**
 * An existing Linux Ethernet interface (one end of a veth pair, a microVM's virtio NIC) bound
 * raw through an {@code AF_PACKET} socket: every frame the interface receives reaches the stack,
 * and what the stack sends leaves by it, beside the host kernel's own use of the interface.
 *
 * <ul>
 *   <li>Receiving: a {@code TPACKET_V2} ring ({@link PacketRing}) mapped into the process, so a
 *       poll wake-up delivers every waiting frame with no further system call.
 *       {@code PACKET_VNET_HDR} puts the kernel's {@code virtio_net_hdr} in front of each frame;
 *       {@link ReceiveOffload} completes the checksums and cuts the TCP super-frames it
 *       announces. A frame longer than a slot (a super-frame) is read whole from the socket
 *       ({@code PACKET_COPY_THRESH}). {@code PACKET_IGNORE_OUTGOING} keeps the frames the host
 *       itself sends out of the ring.
 *   <li>Sending: one {@code writev} of the virtio header and the frame ({@link VnetNetif}), so
 *       TCP segmentation offload works as on a TAP: the kernel segments a super-frame only if
 *       the interface cannot take it whole. No {@code PACKET_TX_RING}: on a veth the kernel
 *       copies a ring slot's pages anyway, so a ring adds a copy into the slot and saves no
 *       system call unless sends wait for the end of a loop turn (docs/decisions/0032).
 *   <li>MAC: a frame to our address must reach the socket and not the host's stack. Unless it is
 *       the interface's own, the address is added to the interface's unicast filter
 *       ({@code PACKET_ADD_MEMBERSHIP}, {@code PACKET_MR_UNICAST}; Linux falls back to
 *       promiscuous mode on a device without one, as a veth) until the device is closed; the
 *       host's stack sees those frames as {@code PACKET_OTHERHOST} and drops them.
 * </ul>
 *
 * <p>The interface is not configured: it must exist, be up and be Ethernet ({@link #probe});
 * its MTU is read from it. Only the socket API and {@code ioctl}s are used (no {@code /sys}), so
 * the binding works in a microVM whose PID 1 mounted nothing but devtmpfs and proc.
 */
public final class PacketNetif extends VnetNetif {
    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_DROP_MEMBERSHIP = 2;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_COPY_THRESH = 7;
    static final int PACKET_VERSION = 10;
    static final int PACKET_VNET_HDR = 15;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int TPACKET_V2 = 1;
    static final int PACKET_MR_UNICAST = 3;
    /** {@code ETH_P_ALL}, every protocol, in network order as {@code sll_protocol} wants it. */
    static final short ETH_P_ALL_NETWORK = (short) 0x0300;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFINDEX = 0x8933;
    static final int IFF_UP = 0x1;
    static final int ARPHRD_ETHER = 1;
    /** Socket buffers asked for: room for dozens of 64 KiB super-frames queued on either side. */
    static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    /** The longest frame read whole from the socket: a virtio header, an Ethernet header with a tag, an IPv4 datagram. */
    static final int MAX_COPY = VirtioNetHeader.LENGTH + 18 + 0xffff;

    /** What {@link #probe} finds of an interface. */
    public record Link(String ifname, int index, int hardwareType, MacAddress mac, int flags, int mtu) {
        /** Whether the interface is administratively up ({@code IFF_UP}). */
        public boolean up() {
            return (flags & IFF_UP) != 0;
        }

        /** Whether it is an Ethernet interface ({@code ARPHRD_ETHER}): a veth, a TAP, a NIC; not lo, a TUN, a WireGuard. */
        public boolean ethernet() {
            return hardwareType == ARPHRD_ETHER;
        }
    }

    private final Link link;
    private final PacketRing ring;
    private final ReceiveOffload offload;
    private final Delivery delivery = new Delivery();
    /** Where a frame too long for a slot is read whole, behind its virtio header. */
    private final MemorySegment copy = arena.allocate(MAX_COPY + 1, 8);
    private final MemorySegment statistics = arena.allocate(8, 4);
    private final MemorySegment optionLength = arena.allocate(JAVA_INT);
    private final MemorySegment ifreq = arena.allocate(TapNetif.IFREQ, 8);
    /** Set when the kernel reports the interface down; cleared by the next frame. Loop thread. */
    private boolean down;

    private PacketNetif(String name, int handle, MacAddress mac, int fd, Link link, PacketRing ring, HostPoller poller,
            Console console, int mtu) {
        super(name, handle, mac, fd, poller, console, mtu, maxTagged(Math.max(mtu, link.mtu())));
        this.link = link;
        this.ring = ring;
        this.offload = new ReceiveOffload(frame, maxTagged(Math.max(mtu, link.mtu())));
        byte[] n = link.ifname().getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(n, 0, ifreq, JAVA_BYTE, 0, n.length);
    }

    /**
     * Finds interface {@code ifname} in this network namespace with the {@code ioctl}s of a
     * packet socket opened for the purpose (so that a process without {@code CAP_NET_RAW} learns
     * it here).
     *
     * @throws HostException naming the failing call and errno ({@code EPERM}: no
     *     {@code CAP_NET_RAW}; {@code ENODEV}: no such interface; {@code EAFNOSUPPORT}: a kernel
     *     without {@code AF_PACKET})
     */
    public static Link probe(String ifname) throws HostException {
        try (InterfaceControl c = new InterfaceControl(ifname)) {
            int index = c.get(SIOCGIFINDEX);
            int flags = c.get(SIOCGIFFLAGS) & 0xffff;
            int mtu = c.get(SIOCGIFMTU);
            c.get(SIOCGIFHWADDR);
            int hardwareType = c.ifreq.get(JAVA_SHORT, 16) & 0xffff;
            byte[] mac = new byte[6];
            MemorySegment.copy(c.ifreq, JAVA_BYTE, 18, mac, 0, 6);
            return new Link(ifname, index, hardwareType, MacAddress.of(mac), flags, mtu);
        }
    }

    /**
     * Brings interface {@code ifname} up ({@code IFF_UP}, as {@code ip link set IFNAME up}), for a
     * microVM's PID 1, which has no ip(8) to do it before its NICs are bound. The binding itself
     * never changes an interface: one that is down is refused.
     *
     * @throws HostException naming the failing call and errno ({@code EPERM}: no
     *     {@code CAP_NET_ADMIN}; {@code ENODEV}: no such interface)
     */
    public static void bringUp(String ifname) throws HostException {
        try (InterfaceControl c = new InterfaceControl(ifname)) {
            int flags = c.get(SIOCGIFFLAGS);
            c.ifreq.set(JAVA_SHORT, 16, (short) (flags | IFF_UP));
            c.call(SIOCSIFFLAGS);
        }
    }

    /** A packet socket for the interface {@code ioctl}s on one {@code struct ifreq}; closed with it. */
    private static final class InterfaceControl implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment state = Libc.errnoState(arena);
        private final MemorySegment ifreq = arena.allocate(TapNetif.IFREQ, 8);
        private final String ifname;
        private final byte[] name;
        private final int fd;

        InterfaceControl(String ifname) throws HostException {
            this.ifname = ifname;
            this.name = ifname.getBytes(StandardCharsets.US_ASCII);
            if (name.length == 0 || name.length >= TapNetif.IFNAMSIZ) {
                arena.close();
                throw new IllegalArgumentException("interface name of " + name.length + " bytes");
            }
            fd = Libc.socket(state, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int errno = Libc.errno(state);
                arena.close();
                throw new HostException("socket AF_PACKET", errno);
            }
        }

        /** Issues {@code request} on a cleared {@code ifreq} naming the interface; returns the int at its union. */
        int get(long request) throws HostException {
            ifreq.fill((byte) 0);
            MemorySegment.copy(name, 0, ifreq, JAVA_BYTE, 0, name.length);
            call(request);
            return ifreq.get(JAVA_INT, 16);
        }

        /** Issues {@code request} on {@code ifreq} as it is. */
        void call(long request) throws HostException {
            if (Libc.ioctl(state, fd, request, ifreq) < 0) {
                throw new HostException(ioctlName(request) + " " + ifname, Libc.errno(state));
            }
        }

        @Override
        public void close() {
            Libc.close(state, fd);
            arena.close();
        }
    }

    private static String ioctlName(long request) {
        if (request == SIOCGIFINDEX) {
            return "SIOCGIFINDEX";
        }
        if (request == SIOCGIFFLAGS) {
            return "SIOCGIFFLAGS";
        }
        if (request == SIOCSIFFLAGS) {
            return "SIOCSIFFLAGS";
        }
        return request == SIOCGIFMTU ? "SIOCGIFMTU" : "SIOCGIFHWADDR";
    }

    /**
     * Binds a packet socket to {@code link} (found by {@link #probe}, up and Ethernet): the
     * receive ring, the virtio header, the unicast filter entry for {@code mac}, then
     * {@code bind}, from which on frames arrive.
     *
     * @param mtu the largest payload this side sends; at most the interface's
     * @throws HostException naming the failing call and errno ({@code ENODEV} when the
     *     interface went away since the probe, {@code ENOMEM} for the ring, ...)
     */
    static PacketNetif open(String name, int handle, MacAddress mac, Link link, int mtu, HostPoller poller, Console console)
            throws HostException {
        PacketRing.Geometry g = PacketRing.Geometry.forMtu(Math.max(mtu, link.mtu()));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Libc.errnoState(a);
            int fd = Libc.socket(state, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new HostException("socket AF_PACKET", Libc.errno(state));
            }
            MemorySegment mapped = MemorySegment.NULL;
            String failed = null;
            MemorySegment one = a.allocateFrom(JAVA_INT, 1);
            if (Libc.setsockopt(state, fd, SOL_PACKET, PACKET_VERSION, a.allocateFrom(JAVA_INT, TPACKET_V2)) < 0) {
                failed = "PACKET_VERSION TPACKET_V2";
            } else if (Libc.setsockopt(state, fd, SOL_PACKET, PACKET_VNET_HDR, one) < 0) {
                failed = "PACKET_VNET_HDR";
            } else if (Libc.setsockopt(state, fd, SOL_PACKET, PACKET_COPY_THRESH, one) < 0) {
                failed = "PACKET_COPY_THRESH";
            } else {
                // best effort: without it (Linux < 4.20) outgoing frames are told apart by sll_pkttype
                Libc.setsockopt(state, fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, one);
                MemorySegment size = a.allocateFrom(JAVA_INT, SOCKET_BUFFER);
                if (Libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size) < 0) {
                    Libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size);
                }
                if (Libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, size) < 0) {
                    Libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, size);
                }
                MemorySegment req = a.allocate(16, 4);
                req.set(JAVA_INT, 0, g.blockSize());
                req.set(JAVA_INT, 4, g.blocks());
                req.set(JAVA_INT, 8, g.frameSize());
                req.set(JAVA_INT, 12, g.frames());
                if (Libc.setsockopt(state, fd, SOL_PACKET, PACKET_RX_RING, req) < 0) {
                    failed = "PACKET_RX_RING " + g.frames() + "x" + g.frameSize();
                } else {
                    mapped = Libc.mmap(state, g.bytes(), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd);
                    if (Libc.mapFailed(mapped)) {
                        mapped = MemorySegment.NULL;
                        failed = "mmap PACKET_RX_RING";
                    } else if (!mac.equals(link.mac()) && Libc.setsockopt(state, fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP,
                            membership(a, link.index(), mac)) < 0) {
                        failed = "PACKET_ADD_MEMBERSHIP " + mac;
                    } else if (Libc.bind(state, fd, linkAddress(a, link.index()), PacketRing.SOCKADDR_LL) < 0) {
                        failed = "bind";
                    }
                }
            }
            if (failed != null) {
                int errno = Libc.errno(state);
                if (!mapped.equals(MemorySegment.NULL)) {
                    Libc.munmap(state, mapped, g.bytes());
                }
                Libc.close(state, fd);
                throw new HostException(failed + " " + link.ifname(), errno);
            }
            // unmapped when the device is unreachable, never while the loop may still read it; the
            // mapping holds the socket open until then, so release() unbinds it (see detach)
            MemorySegment memory = mapped.reinterpret(g.bytes(), Arena.ofAuto(), new Unmap(g.bytes()));
            PacketRing ring = new PacketRing(memory, g.frameSize(), g.frames());
            return new PacketNetif(name, handle, mac, fd, link, ring, poller, console, mtu);
        }
    }

    /** A {@code struct packet_mreq} adding {@code mac} to interface {@code index}'s unicast filter. */
    private static MemorySegment membership(Arena a, int index, MacAddress mac) {
        MemorySegment m = a.allocate(16, 4);
        m.set(JAVA_INT, 0, index);
        m.set(JAVA_SHORT, 4, (short) PACKET_MR_UNICAST);
        m.set(JAVA_SHORT, 6, (short) 6);
        MemorySegment.copy(mac.toBytes(), 0, m, JAVA_BYTE, 8, 6);
        return m;
    }

    /** A {@code struct sockaddr_ll} for every protocol on interface {@code index}. */
    private static MemorySegment linkAddress(Arena a, int index) {
        MemorySegment s = a.allocate(PacketRing.SOCKADDR_LL, 4);
        s.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        s.set(JAVA_SHORT, 2, ETH_P_ALL_NETWORK);
        s.set(JAVA_INT, 4, index);
        return s;
    }

    /** The cleanup of the ring's mapping (a named class: boot-path code has no lambdas, decision 0006). */
    private static final class Unmap implements Consumer<MemorySegment> {
        private final long bytes;

        Unmap(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void accept(MemorySegment memory) {
            try (Arena a = Arena.ofConfined()) {
                Libc.munmap(Libc.errnoState(a), memory, bytes);
            }
        }
    }

    /**
     * Makes the socket inert before its descriptor is closed: the ring's mapping keeps the socket
     * itself alive until the device is collected (unmapping it here could pull the ring from under
     * the loop thread), so the unicast filter entry is dropped and the socket unbound (protocol
     * 0: no more frames) now.
     */
    @Override
    void detach() {
        try (Arena a = Arena.ofConfined()) {
            if (!mac().equals(link.mac())) {
                Libc.setsockopt(txState, fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, membership(a, link.index(), mac()));
            }
            MemorySegment none = linkAddress(a, link.index());
            none.set(JAVA_SHORT, 2, (short) 0);
            Libc.bind(txState, fd, none, PacketRing.SOCKADDR_LL);
        }
    }

    /** The interface as {@link #probe} found it at binding. */
    public Link link() {
        return link;
    }

    @Override
    public String attachment() {
        return "interface " + link.ifname();
    }

    @Override
    void writeFailed(int errno) {
        switch (errno) {
            case Libc.EAGAIN, Libc.ENOBUFS, Libc.ENETDOWN -> counters().txDropped(); // full queue, or down: as a NIC drops
            case Libc.ENXIO, 19 /* ENODEV */ -> {
                counters().txError();
                fail("interface " + link.ifname() + " was removed");
            }
            default -> counters().txError();
        }
    }

    @Override
    public boolean service(short revents) {
        if ((revents & Libc.POLLERR) != 0) {
            socketError();
        }
        int slots = 0;
        while (slots < BUDGET && ring.ready()) {
            PacketRing.Verdict verdict = ring.check();
            // a slot marked as copied has its frame waiting on the socket: read it whatever the
            // verdict, so that the queue stays in step with the ring
            long copied = (ring.status & PacketRing.TP_STATUS_COPY) != 0 ? read(copy, copy.byteSize()) : 0;
            switch (verdict) {
                case FRAME -> {
                    down = false;
                    take(ring.memory, ring.mac - VirtioNetHeader.LENGTH, ring.mac, ring.captured, ring.vlanTag);
                }
                case COPY -> {
                    down = false;
                    if (copied >= VirtioNetHeader.LENGTH) {
                        take(copy, 0, VirtioNetHeader.LENGTH, (int) copied - VirtioNetHeader.LENGTH, ring.vlanTag);
                    } else {
                        counters().rxError();
                    }
                }
                case TRUNCATED, MALFORMED -> counters().rxError();
                case OUTGOING -> { }
            }
            if ((ring.status & PacketRing.TP_STATUS_LOSING) != 0) {
                countRingDrops();
            }
            ring.release();
            slots++;
        }
        return slots > 0 || (revents & Libc.POLLIN) != 0;
    }

    /** Completes and delivers one received frame, counting what cannot be delivered as an error. */
    private void take(MemorySegment in, long vnetAt, long at, int length, int vlanTag) {
        if (offload.take(in, vnetAt, in, at, length, vlanTag, delivery) != ReceiveOffload.Outcome.DELIVERED) {
            counters().rxError();
        }
    }

    /** Hands the offload's frames to the stack (the frames are made in {@link #frame}). */
    private final class Delivery implements ReceiveOffload.Sink {
        @Override
        public void frame(int length) {
            deliver(length);
        }
    }

    /** Adds the frames the ring had no room for ({@code PACKET_STATISTICS}, reset by reading) to the dropped count. */
    private void countRingDrops() {
        optionLength.set(JAVA_INT, 0, 8);
        int r;
        synchronized (io) {
            r = fd < 0 ? -1 : Libc.getsockopt(rxState, fd, SOL_PACKET, PACKET_STATISTICS, statistics, optionLength);
        }
        if (r == 0) {
            counters().rxDropped(Integer.toUnsignedLong(statistics.get(JAVA_INT, 4)));
        }
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): {@code ENETDOWN} when the
     * interface goes down (Linux resumes delivery when it is up again) or is removed (then the
     * device fails); anything else is counted.
     */
    private void socketError() {
        optionLength.set(JAVA_INT, 0, 4);
        int error;
        boolean gone;
        synchronized (io) {
            if (fd < 0 || Libc.getsockopt(rxState, fd, Libc.SOL_SOCKET, Libc.SO_ERROR, statistics, optionLength) < 0) {
                return;
            }
            error = statistics.get(JAVA_INT, 0);
            // down, or removed: then the name is gone, or is another interface's
            gone = error == Libc.ENETDOWN
                    && (Libc.ioctl(rxState, fd, SIOCGIFINDEX, ifreq) < 0 || ifreq.get(JAVA_INT, 16) != link.index());
        }
        if (gone) {
            fail("interface " + link.ifname() + " was removed");
        } else if (error == Libc.ENETDOWN) {
            if (!down) {
                down = true;
                report("the interface is down; frames are lost until it is up again");
            }
        } else if (error != 0) {
            counters().rxError();
            report("socket error " + Libc.errnoName(error) + " (" + Libc.strerror(error) + ")");
        }
    }
}
