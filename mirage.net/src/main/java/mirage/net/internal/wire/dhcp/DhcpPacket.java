package mirage.net.internal.wire.dhcp;

import java.nio.ByteBuffer;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;

/**
 * A zero-copy view of a DHCP message in a buffer (RFC 2131 section 2, figure 1):
 *
 * <pre>
 *   0 op   1 htype   2 hlen   3 hops   4 xid (4)   8 secs (2)   10 flags (2)
 *  12 ciaddr   16 yiaddr   20 siaddr   24 giaddr   28 chaddr (16)
 *  44 sname (64)   108 file (128)   236 magic cookie 99.130.83.99   240 options ...
 * </pre>
 *
 * <p>The view covers the buffer's bytes from its position to its limit when wrapped, and
 * shares them: writes through either side are visible to the other. Positions given to and by
 * the view count from the start of the message. A view made by {@link #wrap} checks nothing;
 * one made by {@link #checked} passed {@link #check}, and then no accessor throws, whatever the
 * bytes (and whatever later writes to them, except ones that break the option framing).
 * Not thread-safe: like the buffer it views.
 */
public final class DhcpPacket {
    /** Field offsets (RFC 2131 section 2). */
    static final int OP = 0, HTYPE = 1, HLEN = 2, HOPS = 3, XID = 4, SECS = 8, FLAGS = 10, CIADDR = 12,
            YIADDR = 16, SIADDR = 20, GIADDR = 24, CHADDR = 28, SNAME = 44, FILE = 108, COOKIE = 236, OPTIONS = 240;

    /** Field sizes. */
    static final int CHADDR_LEN = 16, SNAME_LEN = 64, FILE_LEN = 128;

    /** The fixed header and the magic cookie: the shortest DHCP message. */
    public static final int MIN_LEN = OPTIONS;

    /** RFC 2131 section 3: the first four bytes of the options field, 99.130.83.99. */
    public static final int MAGIC_COOKIE = 0x63825363;

    /** RFC 2131 section 2, {@code flags}: the leftmost bit asks the server to broadcast its reply. */
    public static final int FLAG_BROADCAST = 0x8000;

    /** Option overload values (RFC 2132 section 9.3). */
    public static final int OVERLOAD_FILE = 1, OVERLOAD_SNAME = 2;

    private final ByteBuffer buf;

    private DhcpPacket(ByteBuffer buf) {
        this.buf = buf;
    }

    /** A view of {@code buffer} from its position to its limit, unchecked: accessors may throw {@link IndexOutOfBoundsException}. */
    public static DhcpPacket wrap(ByteBuffer buffer) {
        return new DhcpPacket(buffer.slice());
    }

    /** A view of {@code buffer} that passed {@link #check}, or the first problem found. Never throws. */
    public static Parsed<DhcpPacket> checked(ByteBuffer buffer) {
        DhcpPacket p = wrap(buffer);
        WireError e = p.check();
        return e == null ? new Parsed.Ok<>(p) : new Parsed.Err<>(e);
    }

    /**
     * The first problem with the framing, or {@code null} if there is none: long enough for the
     * fixed header and cookie, the right cookie, {@code hlen} at most 16, every option inside
     * its field, an end option closing the options field and each field the overload option
     * gives to options, and the overload option well-formed and only in the options field.
     * Option values are not looked at (that is {@link DhcpMessage#parse}'s job).
     */
    public WireError check() {
        if (buf.limit() < MIN_LEN) {
            return WireError.TRUNCATED;
        }
        if (buf.getInt(COOKIE) != MAGIC_COOKIE) {
            return WireError.BAD_MAGIC_COOKIE;
        }
        if (hlen() > CHADDR_LEN) {
            return WireError.BAD_HARDWARE_LENGTH;
        }
        return walk(null);
    }

    /** The length of the message: the whole view. */
    public int length() {
        return buf.limit();
    }

    public int op() { return u8(OP); }
    public int htype() { return u8(HTYPE); }
    public int hlen() { return u8(HLEN); }
    public int hops() { return u8(HOPS); }
    public int xid() { return buf.getInt(XID); }
    public int secs() { return u16(SECS); }
    public int flags() { return u16(FLAGS); }
    public int ciaddr() { return buf.getInt(CIADDR); }
    public int yiaddr() { return buf.getInt(YIADDR); }
    public int siaddr() { return buf.getInt(SIADDR); }
    public int giaddr() { return buf.getInt(GIADDR); }
    public int magicCookie() { return buf.getInt(COOKIE); }

    /** Byte {@code index} (0-15) of {@code chaddr}, padding included. */
    public int chaddr(int index) {
        return u8(CHADDR + checkIndex(index, CHADDR_LEN));
    }

    /** Byte {@code index} (0-63) of {@code sname}. */
    public int sname(int index) {
        return u8(SNAME + checkIndex(index, SNAME_LEN));
    }

    /** Byte {@code index} (0-127) of {@code file}. */
    public int file(int index) {
        return u8(FILE + checkIndex(index, FILE_LEN));
    }

    /** The value of option overload (52) when the options field holds exactly one well-formed instance, else 0. */
    public int overload() {
        int[] tally = new int[2];
        if (region(OPTIONS, buf.limit(), tally, null) != null || tally[0] != 1) {
            return 0;
        }
        return tally[1] >= 1 && tally[1] <= 3 ? tally[1] : 0;
    }

    /** Receives the options of a message. */
    @FunctionalInterface
    public interface OptionVisitor {
        /**
         * One instance of an option: its code (1-254, never 52) and its value, the {@code length}
         * bytes of {@code message} from {@code offset}. {@code message} is the view's own buffer:
         * read it, do not keep or write it.
         */
        void option(int code, ByteBuffer message, int offset, int length);
    }

    /**
     * Hands every option instance to {@code visitor} in the order RFC 3396 section 5 concatenates
     * them: the options field, then {@code file}, then {@code sname} if overload gives them to
     * options. Pad, end and overload are framing and not handed over. Returns the first framing
     * problem (then only the options before it were visited), or {@code null}; on a checked
     * view always {@code null}.
     */
    public WireError forEachOption(OptionVisitor visitor) {
        return walk(visitor);
    }

    private WireError walk(OptionVisitor visitor) {
        if (buf.limit() < MIN_LEN) {
            return WireError.TRUNCATED;
        }
        int[] tally = new int[2];
        WireError e = region(OPTIONS, buf.limit(), tally, visitor);
        if (e != null || tally[0] == 0) {
            return e;
        }
        if (tally[0] != 1 || tally[1] < 1 || tally[1] > 3) {
            return WireError.BAD_OVERLOAD;
        }
        if ((tally[1] & OVERLOAD_FILE) != 0 && (e = region(FILE, FILE + FILE_LEN, null, visitor)) != null) {
            return e;
        }
        if ((tally[1] & OVERLOAD_SNAME) != 0 && (e = region(SNAME, SNAME + SNAME_LEN, null, visitor)) != null) {
            return e;
        }
        return null;
    }

    /**
     * Walks the options in {@code [from, to)}. {@code overload}, when not null, collects option 52
     * (total length, last byte); when null, option 52 is an error.
     */
    private WireError region(int from, int to, int[] overload, OptionVisitor visitor) {
        int i = from;
        while (i < to) {
            int code = u8(i);
            if (code == DhcpOption.PAD) {
                i++;
                continue;
            }
            if (code == DhcpOption.END) {
                return null;
            }
            if (i + 1 >= to) {
                return WireError.OPTION_TRUNCATED;
            }
            int len = u8(i + 1);
            if (i + 2 + len > to) {
                return WireError.OPTION_TRUNCATED;
            }
            if (code == DhcpOption.OPTION_OVERLOAD) {
                if (overload == null) {
                    return WireError.BAD_OVERLOAD;
                }
                overload[0] += len;
                if (len > 0) {
                    overload[1] = u8(i + 1 + len);
                }
            } else if (visitor != null) {
                visitor.option(code, buf, i + 2, len);
            }
            i += 2 + len;
        }
        return WireError.MISSING_END;
    }

    public void setOp(int v) { buf.put(OP, (byte) v); }
    public void setHtype(int v) { buf.put(HTYPE, (byte) v); }
    public void setHlen(int v) { buf.put(HLEN, (byte) v); }
    public void setHops(int v) { buf.put(HOPS, (byte) v); }
    public void setXid(int v) { buf.putInt(XID, v); }
    public void setSecs(int v) { buf.putShort(SECS, (short) v); }
    public void setFlags(int v) { buf.putShort(FLAGS, (short) v); }
    public void setCiaddr(int v) { buf.putInt(CIADDR, v); }
    public void setYiaddr(int v) { buf.putInt(YIADDR, v); }
    public void setSiaddr(int v) { buf.putInt(SIADDR, v); }
    public void setGiaddr(int v) { buf.putInt(GIADDR, v); }
    public void setMagicCookie(int v) { buf.putInt(COOKIE, v); }

    /** Writes byte {@code index} (0-15) of {@code chaddr}. */
    public void setChaddr(int index, int v) { buf.put(CHADDR + checkIndex(index, CHADDR_LEN), (byte) v); }

    /** Writes byte {@code index} (0-63) of {@code sname}. */
    public void setSname(int index, int v) { buf.put(SNAME + checkIndex(index, SNAME_LEN), (byte) v); }

    /** Writes byte {@code index} (0-127) of {@code file}. */
    public void setFile(int index, int v) { buf.put(FILE + checkIndex(index, FILE_LEN), (byte) v); }

    /** Writes byte {@code v} at {@code offset} from the start of the message (for the options field). */
    public void setByte(int offset, int v) { buf.put(offset, (byte) v); }

    /** Zeroes bytes {@code [from, to)} of the message. */
    public void clear(int from, int to) {
        for (int i = from; i < to; i++) {
            buf.put(i, (byte) 0);
        }
    }

    private int u8(int at) {
        return buf.get(at) & 0xff;
    }

    private int u16(int at) {
        return buf.getShort(at) & 0xffff;
    }

    private static int checkIndex(int index, int length) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return index;
    }
}
