package mirage.platform.solo5.internal.net;

import java.nio.charset.StandardCharsets;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.internal.text.Printable;
import mirage.core.spi.Device;
import mirage.net.MacAddress;
import mirage.platform.solo5.internal.host.HostException;
import mirage.platform.solo5.internal.host.HostPoller;

/**
 * Attaches {@code NET_BASIC} devices as Solo5's tenders do, in one of three forms:
 * <ul>
 *   <li>{@code --net:NAME=IFACE}: a TAP, created if missing ({@link TapNetif});
 *   <li>{@code --net:NAME=if:IFACE}: an existing Ethernet interface bound raw through
 *       {@code AF_PACKET} (one end of a veth pair, a microVM's virtio NIC; {@link PacketNetif}),
 *       which must be up; its MTU is the default;
 *   <li>{@code --net:NAME=unix:PATH}: a framed stream (passt, QEMU {@code -netdev stream};
 *       {@link StreamNetif}).
 * </ul>
 * With {@code --net-mac:NAME=MAC} or a random locally administered unicast MAC, and
 * {@code --net-mtu:NAME=N} or 1500 (a raw interface: its own MTU, and no more; a passt peer
 * sends frames up to 65,520 bytes and does not reassemble fragments: give it its MTU). The only
 * class the platform calls that touches {@code mirage.net}: it is loaded when such a device is
 * bound, never otherwise.
 */
public final class NetBinder {
    /** The prefix of a framed-stream binding. */
    public static final String UNIX = "unix:";
    /** The prefix of a raw interface binding. */
    public static final String INTERFACE = "if:";

    private NetBinder() {}

    /**
     * Attaches one device and adds it to {@code poller}.
     *
     * @param option the binding option as written, {@code --net:NAME}, for messages
     * @param macText the {@code --net-mac} value, or null
     * @param mtuText the {@code --net-mtu} value, or null for 1500 (a raw interface: its MTU)
     * @throws ArgumentException one line naming the option: {@code MALFORMED} for a value that
     *     cannot be right, {@code DEVICE} when the host refuses (errno named)
     */
    public static Device attach(String name, int handle, String option, String value, String macText, String mtuText,
            Entropy entropy, HostPoller poller, Console console) throws ArgumentException {
        MacAddress mac = macText == null ? randomMac(entropy) : parseMac(name, macText);
        HostNetif device;
        if (value.startsWith(INTERFACE)) {
            device = attachInterface(name, handle, option, value.substring(INTERFACE.length()), mac, mtuText, poller, console);
            poller.add(device);
            return device;
        }
        int mtu = mtuText == null ? HostNetif.DEFAULT_MTU : parseMtu(name, mtuText);
        if (value.startsWith(UNIX)) {
            String path = value.substring(UNIX.length());
            int bytes = path.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > StreamNetif.MAX_PATH || path.indexOf('\0') >= 0) {
                throw new ArgumentException(Problem.MALFORMED, option, "bad socket path in " + option + "=" + printable(value)
                        + ": give 1 to " + StreamNetif.MAX_PATH + " bytes after 'unix:' (sockaddr_un), not " + bytes);
            }
            try {
                device = StreamNetif.connect(name, handle, mac, path, poller, console, mtu);
            } catch (HostException e) {
                throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + " to the stream socket "
                        + printable(path) + ": " + printable(e.getMessage()));
            }
        } else {
            String problem = ifnameProblem(value);
            if (problem != null) {
                throw new ArgumentException(Problem.MALFORMED, option,
                        "bad interface name in " + option + "=" + printable(value) + ": " + problem);
            }
            try {
                device = TapNetif.open(name, handle, mac, value, poller, console, mtu);
            } catch (HostException e) {
                throw new ArgumentException(Problem.DEVICE, option, "cannot attach " + option + " to TAP interface " + value
                        + ": " + e.getMessage() + hint(e.errno()));
            }
        }
        poller.add(device);
        return device;
    }

    private static String hint(int errno) {
        return switch (errno) {
            case 1 -> ": creating or attaching a TAP needs CAP_NET_ADMIN";
            case 2, 19 -> ": is the tun module loaded (/dev/net/tun)?";
            case 16 -> ": another process holds it";
            case 22 -> ": is an interface of that name something other than a TAP? (bind an existing interface with if:NAME)";
            default -> "";
        };
    }

    /**
     * {@code --net:NAME=if:IFACE}: probes the interface, checks that it can carry our frames
     * (Ethernet, up, an MTU that fits), then binds a packet socket to it.
     */
    private static PacketNetif attachInterface(String name, int handle, String option, String ifname, MacAddress mac,
            String mtuText, HostPoller poller, Console console) throws ArgumentException {
        String problem = ifnameProblem(ifname);
        if (problem != null) {
            throw new ArgumentException(Problem.MALFORMED, option,
                    "bad interface name in " + option + "=" + INTERFACE + printable(ifname) + ": " + problem);
        }
        String cannot = "cannot attach " + option + " to interface " + ifname + ": ";
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            // PACKET_VNET_HDR's header is in host order; VirtioNetHeader writes it little-endian
            throw new ArgumentException(Problem.DEVICE, option, cannot + "raw interfaces are bound on little-endian hosts only");
        }
        PacketNetif.Link link;
        try {
            link = PacketNetif.probe(ifname);
        } catch (HostException e) {
            throw new ArgumentException(Problem.DEVICE, option, cannot + e.getMessage() + packetHint(e.errno()));
        }
        if (!link.ethernet()) {
            throw new ArgumentException(Problem.DEVICE, option, cannot + "it is not an Ethernet interface (ARPHRD "
                    + link.hardwareType() + "); bind a veth, a TAP or a NIC");
        }
        if (!link.up()) {
            throw new ArgumentException(Problem.DEVICE, option, cannot + "it is down; bring it up first (ip link set " + ifname + " up)");
        }
        if (link.mtu() < 68) {
            throw new ArgumentException(Problem.DEVICE, option, cannot + "its MTU is " + link.mtu() + ", below IPv4's 68");
        }
        int mtu = Math.min(link.mtu(), HostNetif.MAX_MTU);
        if (mtuText != null) {
            mtu = parseMtu(name, mtuText);
            if (mtu > link.mtu()) {
                String mtuOption = "--net-mtu:" + name;
                throw new ArgumentException(Problem.DEVICE, mtuOption, mtuOption + "=" + mtu + " exceeds the MTU of interface "
                        + ifname + " (" + link.mtu() + "), which drops longer frames: give at most " + link.mtu()
                        + ", or raise the interface's (ip link set " + ifname + " mtu " + mtu + ")");
            }
        }
        try {
            return PacketNetif.open(name, handle, mac, link, mtu, poller, console);
        } catch (HostException e) {
            throw new ArgumentException(Problem.DEVICE, option, cannot + e.getMessage() + packetHint(e.errno()));
        }
    }

    private static String packetHint(int errno) {
        return switch (errno) {
            case 1, 13 -> ": a raw packet socket needs CAP_NET_RAW";
            case 19 -> ": there is no interface of that name in this network namespace (ip link show)";
            case 97 -> ": this kernel has no AF_PACKET sockets (CONFIG_PACKET)";
            case 12 -> ": the kernel could not allocate the receive ring";
            default -> "";
        };
    }

    /** Why {@code name} cannot be a Linux interface name, or null (Linux's dev_valid_name). */
    static String ifnameProblem(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0) {
            return "it is empty";
        }
        if (bytes >= TapNetif.IFNAMSIZ) {
            return "it is " + bytes + " bytes; Linux allows at most " + (TapNetif.IFNAMSIZ - 1) + " (IFNAMSIZ " + TapNetif.IFNAMSIZ
                    + "); for a stream socket write unix:PATH";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' are not interface names";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                return "interface names are printable ASCII without '/', ':' or spaces";
            }
        }
        return null;
    }

    /** {@code --net-mtu:NAME=N}: 68 (RFC 791's minimum) to {@link HostNetif#MAX_MTU}. */
    static int parseMtu(String name, String text) throws ArgumentException {
        String option = "--net-mtu:" + name;
        int mtu = -1;
        if (text.length() <= 5 && !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9') && text.charAt(0) != '0') {
            mtu = Integer.parseInt(text);
        }
        if (mtu < 68 || mtu > HostNetif.MAX_MTU) {
            throw new ArgumentException(Problem.MALFORMED, option, "bad MTU in " + option + "=" + printable(text)
                    + ": give a decimal number of bytes from 68 to " + HostNetif.MAX_MTU + " (passt's MTU is 65520)");
        }
        return mtu;
    }

    private static MacAddress parseMac(String name, String text) throws ArgumentException {
        String option = "--net-mac:" + name;
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ArgumentException(Problem.MALFORMED, option, "bad MAC address in " + option + ": " + printable(e.getMessage()));
        }
        if (!mac.isUnicast()) {
            throw new ArgumentException(Problem.MALFORMED, option,
                    "bad MAC address in " + option + ": " + mac + " is multicast; an interface needs a unicast address");
        }
        return mac;
    }

    /** A random unicast, locally administered MAC (first octet: bit 0 clear, bit 1 set). */
    public static MacAddress randomMac(Entropy entropy) {
        byte[] b = new byte[6];
        entropy.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfc) | 0x02);
        return MacAddress.of(b);
    }

    private static String printable(String s) {
        return Printable.of(s, 120);
    }
}
