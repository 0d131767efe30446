package mirage.platform.xen.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One xenstore message: {@code struct xsd_sockmsg} (four little-endian {@code uint32_t}:
 * type, req_id, tx_id, len) and {@code len} bytes of payload, usually NUL-terminated strings
 * (io/xs_wire.h). The same framing runs over a UNIX socket and over the shared ring page.
 *
 * @param type the header's type, kept raw: a server answers an unknown type with ENOSYS
 * @param reqId echoed in the reply
 * @param txId the transaction, 0 for none
 * @param payload at most {@link #PAYLOAD_MAX} bytes; owned by the message
 */
public record XsMessage(int type, int reqId, int txId, byte[] payload) {
    /** Bytes of {@code struct xsd_sockmsg}. */
    public static final int HEADER = 16;
    /** {@code XENSTORE_PAYLOAD_MAX}: the longest payload, both directions. */
    public static final int PAYLOAD_MAX = 4096;

    /** @throws IllegalArgumentException for a payload over {@link #PAYLOAD_MAX} */
    public XsMessage {
        if (payload.length > PAYLOAD_MAX) {
            throw new IllegalArgumentException("xenstore payload of " + payload.length + " bytes exceeds " + PAYLOAD_MAX);
        }
    }

    /** A message of a known type. */
    public static XsMessage of(XsType type, int reqId, int txId, byte[] payload) {
        return new XsMessage(type.code(), reqId, txId, payload);
    }

    /** The type, or null if the code is not one. */
    public XsType knownType() {
        return XsType.of(type);
    }

    /** Bytes on the wire: header and payload. */
    public int size() {
        return HEADER + payload.length;
    }

    /** Writes the message at {@code dst}'s position, advancing it. */
    public void encode(ByteBuffer dst) {
        ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(reqId).putInt(txId).putInt(payload.length).put(payload);
        dst.position(b.position());
    }

    /** The message's bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(size());
        encode(b);
        return b.array();
    }

    /**
     * The payload length a header announces, as an unsigned 32-bit value; {@code header} holds
     * at least {@link #HEADER} bytes from {@code at}.
     */
    public static long announcedLength(byte[] header, int at) {
        return le32(header, at + 12) & 0xffffffffL;
    }

    /**
     * Decodes one message from exactly {@code HEADER + len} bytes.
     *
     * @throws XsFormatException if the bytes are shorter than a header, the length field
     *     exceeds {@link #PAYLOAD_MAX}, or does not match the bytes given
     */
    public static XsMessage decode(byte[] bytes) throws XsFormatException {
        if (bytes.length < HEADER) {
            throw new XsFormatException("a xenstore message has a " + HEADER + "-byte header, got " + bytes.length + " bytes");
        }
        long len = announcedLength(bytes, 0);
        if (len > PAYLOAD_MAX) {
            throw new XsFormatException("payload length " + len + " exceeds XENSTORE_PAYLOAD_MAX " + PAYLOAD_MAX);
        }
        if (bytes.length != HEADER + len) {
            throw new XsFormatException("header says " + len + " payload bytes, got " + (bytes.length - HEADER));
        }
        return new XsMessage(le32(bytes, 0), le32(bytes, 4), le32(bytes, 8), Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    // ---- payload helpers (docs/misc/xenstore.txt notation: | is a NUL) ----

    /** {@code <s>|}: the string and a NUL. */
    public static byte[] string(String s) {
        return strings(s);
    }

    /** {@code <a>|<b>|...}: each string followed by a NUL. */
    public static byte[] strings(String... parts) {
        return strings(Arrays.asList(parts));
    }

    /** Each string followed by a NUL. */
    public static byte[] strings(List<String> parts) {
        int n = 0;
        List<byte[]> encoded = new ArrayList<>(parts.size());
        for (String p : parts) {
            byte[] e = p.getBytes(StandardCharsets.UTF_8);
            encoded.add(e);
            n += e.length + 1;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] e : encoded) {
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length + 1;
        }
        return out;
    }

    /** {@code <path>|<value|>}: a path, a NUL, then the value's bytes without terminator (WRITE). */
    public static byte[] pathAndValue(String path, byte[] value) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[p.length + 1 + value.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(value, 0, out, p.length + 1, value.length);
        return out;
    }

    /**
     * The NUL-terminated strings of a payload, in order. Bytes after the last NUL (an
     * unterminated tail) are returned as a last element; an empty payload gives no element.
     */
    public static List<String> split(byte[] payload) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < payload.length) {
            out.add(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The first NUL-terminated string of a payload.
     *
     * @throws XsFormatException if the payload has no NUL
     */
    public static String firstString(byte[] payload) throws XsFormatException {
        int nul = indexOfNul(payload, 0);
        if (nul < 0) {
            throw new XsFormatException("expected a NUL-terminated string");
        }
        return new String(payload, 0, nul, StandardCharsets.UTF_8);
    }

    /** The index of the first NUL at or after {@code from}, or -1. */
    public static int indexOfNul(byte[] payload, int from) {
        for (int i = from; i < payload.length; i++) {
            if (payload[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XsMessage m && m.type == type && m.reqId == reqId && m.txId == txId
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + reqId) * 31 + txId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        XsType t = knownType();
        return "XsMessage[" + (t == null ? "type " + type : t.name()) + " req " + reqId + " tx " + txId + " "
                + printable(payload) + "]";
    }

    /** The payload with NULs as {@code |} and other control bytes escaped, at most 120 characters. */
    public static String printable(byte[] payload) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < payload.length && b.length() < 120; i++) {
            int c = payload[i] & 0xff;
            if (c == 0) {
                b.append('|');
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
