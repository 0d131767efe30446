package mirage.net.internal.wire.dhcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Optional;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.Octets;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;

/**
 * A validated DHCP message (RFC 2131 section 2, options RFC 2132, long options RFC 3396).
 *
 * <p>What the record leaves out, so that equal records are exactly the messages that mean the
 * same: {@code hlen} (it is {@code chaddr}'s length), the padding of {@code chaddr} after
 * {@code hlen} bytes, the bytes of {@code sname} and {@code file} from their first NUL on, the
 * fields' bytes when option overload gives them to options (then {@code serverName} and
 * {@code bootFile} are empty), pad options, the placement of options (which field, how split
 * into instances) and anything after the end option.
 *
 * <p>{@link #emit} writes the options field only (no overload), options in the order of
 * {@link DhcpOptions#encode}, values over 255 bytes split into consecutive instances (RFC 3396
 * section 6), then an end option, then zeros up to the 300-byte minimum of a BOOTP message
 * (RFC 1542 section 2.1: 236 bytes of header and a 64-byte vendor field).
 *
 * @param op BOOTREQUEST from a client, BOOTREPLY from a server
 * @param htype hardware address type, 0-255 (1 is Ethernet)
 * @param hops 0-255, relay agents count them
 * @param xid transaction id
 * @param secs 0-65535 seconds since the client began
 * @param flags 0-65535, {@link DhcpPacket#FLAG_BROADCAST} the only defined bit
 * @param ciaddr client address (renewing clients)
 * @param yiaddr "your" address: the one offered or assigned
 * @param siaddr next server (TFTP)
 * @param giaddr relay agent
 * @param chaddr client hardware address, 0 to 16 bytes ({@code hlen} is its length)
 * @param serverName {@code sname}: at most 64 ISO 8859-1 characters, no NUL
 * @param bootFile {@code file}: at most 128 ISO 8859-1 characters, no NUL
 * @param options the options
 */
public record DhcpMessage(
        Op op, int htype, int hops, int xid, int secs, int flags,
        Ipv4Address ciaddr, Ipv4Address yiaddr, Ipv4Address siaddr, Ipv4Address giaddr, Octets chaddr,
        String serverName, String bootFile, DhcpOptions options) {

    /** RFC 1542 section 2.1: a BOOTP message is at least 300 bytes; some relays drop shorter ones. */
    public static final int BOOTP_MIN_LEN = 300;

    /** {@code op} (RFC 2131 section 2). */
    public enum Op {
        BOOTREQUEST(1), BOOTREPLY(2);

        private final int code;

        Op(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public DhcpMessage {
        if (op == null || ciaddr == null || yiaddr == null || siaddr == null || giaddr == null || chaddr == null || serverName == null || bootFile == null || options == null) {
            throw new IllegalArgumentException("a field is null");
        }
        requireRange("htype", htype, 0xff);
        requireRange("hops", hops, 0xff);
        requireRange("secs", secs, 0xffff);
        requireRange("flags", flags, 0xffff);
        if (chaddr.length() > DhcpPacket.CHADDR_LEN) {
            throw new IllegalArgumentException("chaddr longer than 16 bytes: " + chaddr.length());
        }
        requireField("sname", serverName, DhcpPacket.SNAME_LEN);
        requireField("file", bootFile, DhcpPacket.FILE_LEN);
    }

    /** Whether the client asks for broadcast replies (RFC 2131 section 4.1). */
    public boolean broadcast() {
        return (flags & DhcpPacket.FLAG_BROADCAST) != 0;
    }

    /** The client's Ethernet address: {@code chaddr} when {@code htype} is 1 (Ethernet) and it is 6 bytes long. */
    public Optional<MacAddress> clientMac() {
        return htype == 1 && chaddr.length() == MacAddress.LENGTH ? Optional.of(MacAddress.of(chaddr.toArray())) : Optional.empty();
    }

    /** Parses {@code bytes}: a message or why not. Never throws. */
    public static Parsed<DhcpMessage> parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes));
    }

    /** Parses the bytes from the buffer's position to its limit (neither moves): a message or why not. Never throws. */
    public static Parsed<DhcpMessage> parse(ByteBuffer buffer) {
        DhcpPacket p;
        switch (DhcpPacket.checked(buffer)) {
            case Parsed.Err<DhcpPacket> err -> {
                return new Parsed.Err<>(err.reason());
            }
            case Parsed.Ok<DhcpPacket> ok -> p = ok.value();
        }
        Op op = switch (p.op()) {
            case 1 -> Op.BOOTREQUEST;
            case 2 -> Op.BOOTREPLY;
            default -> null;
        };
        if (op == null) {
            return new Parsed.Err<>(WireError.BAD_OP);
        }
        LinkedHashMap<Integer, ByteArrayOutputStream> concatenated = new LinkedHashMap<>();
        p.forEachOption((code, message, offset, length) -> {
            ByteArrayOutputStream value = concatenated.computeIfAbsent(code, c -> new ByteArrayOutputStream());
            for (int i = 0; i < length; i++) {
                value.write(message.get(offset + i));
            }
        });
        DhcpOptions options;
        switch (DhcpOptions.decode(concatenated)) {
            case Parsed.Err<DhcpOptions> err -> {
                return new Parsed.Err<>(err.reason());
            }
            case Parsed.Ok<DhcpOptions> ok -> options = ok.value();
        }
        byte[] chaddr = new byte[p.hlen()];
        for (int i = 0; i < chaddr.length; i++) {
            chaddr[i] = (byte) p.chaddr(i);
        }
        int overload = p.overload();
        String sname = (overload & DhcpPacket.OVERLOAD_SNAME) != 0 ? "" : text(p, DhcpPacket.SNAME, DhcpPacket.SNAME_LEN);
        String file = (overload & DhcpPacket.OVERLOAD_FILE) != 0 ? "" : text(p, DhcpPacket.FILE, DhcpPacket.FILE_LEN);
        return new Parsed.Ok<>(new DhcpMessage(op, p.htype(), p.hops(), p.xid(), p.secs(), p.flags(),
                new Ipv4Address(p.ciaddr()), new Ipv4Address(p.yiaddr()), new Ipv4Address(p.siaddr()),
                new Ipv4Address(p.giaddr()), Octets.of(chaddr), sname, file, options));
    }

    private static String text(DhcpPacket p, int field, int size) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < size; i++) {
            int b = field == DhcpPacket.SNAME ? p.sname(i) : p.file(i);
            if (b == 0) {
                break;
            }
            s.append((char) b);
        }
        return s.toString();
    }

    /** The number of bytes {@link #emit} writes. */
    public int bufferLen() {
        int[] len = {DhcpPacket.OPTIONS + 1};
        options.encode((code, value) -> len[0] += instances(value.length) * 2 + value.length);
        return Math.max(BOOTP_MIN_LEN, len[0]);
    }

    /**
     * Writes the message into {@code buffer} from its position: exactly {@link #bufferLen()}
     * bytes, every one of them (no stale byte survives). Moves neither position nor limit.
     *
     * @throws IllegalArgumentException if fewer than {@link #bufferLen()} bytes remain
     */
    public void emit(ByteBuffer buffer) {
        int total = bufferLen();
        if (buffer.remaining() < total) {
            throw new IllegalArgumentException("buffer has " + buffer.remaining() + " bytes, the message needs " + total);
        }
        DhcpPacket p = DhcpPacket.wrap(buffer.slice(buffer.position(), total));
        p.clear(0, total);
        p.setOp(op.code());
        p.setHtype(htype);
        p.setHlen(chaddr.length());
        p.setHops(hops);
        p.setXid(xid);
        p.setSecs(secs);
        p.setFlags(flags);
        p.setCiaddr(ciaddr.bits());
        p.setYiaddr(yiaddr.bits());
        p.setSiaddr(siaddr.bits());
        p.setGiaddr(giaddr.bits());
        for (int i = 0; i < chaddr.length(); i++) {
            p.setChaddr(i, chaddr.get(i));
        }
        for (int i = 0; i < serverName.length(); i++) {
            p.setSname(i, serverName.charAt(i));
        }
        for (int i = 0; i < bootFile.length(); i++) {
            p.setFile(i, bootFile.charAt(i));
        }
        p.setMagicCookie(DhcpPacket.MAGIC_COOKIE);
        int[] at = {DhcpPacket.OPTIONS};
        options.encode((code, value) -> {
            int done = 0;
            do {
                int chunk = Math.min(255, value.length - done);
                p.setByte(at[0]++, code);
                p.setByte(at[0]++, chunk);
                for (int i = 0; i < chunk; i++) {
                    p.setByte(at[0]++, value[done + i]);
                }
                done += chunk;
            } while (done < value.length);
        });
        p.setByte(at[0], DhcpOption.END);
    }

    /** The message as a new array of {@link #bufferLen()} bytes. */
    public byte[] toBytes() {
        byte[] out = new byte[bufferLen()];
        emit(ByteBuffer.wrap(out));
        return out;
    }

    /** How many instances a value of {@code length} bytes takes: 255 bytes each, and one even when empty. */
    private static int instances(int length) {
        return Math.max(1, (length + 254) / 255);
    }

    private static void requireRange(String what, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of 0.." + max + ": " + v);
        }
    }

    private static void requireField(String what, String s, int size) {
        if (s.length() > size) {
            throw new IllegalArgumentException(what + " longer than " + size + " bytes");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException(what + " has a NUL or a character outside ISO 8859-1 at " + i);
            }
        }
    }
}
