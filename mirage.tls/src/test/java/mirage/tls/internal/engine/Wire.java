package mirage.tls.internal.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small TLS record and handshake reader/writer for tests that play a hostile peer: splits a
 * flight into records and handshake messages, takes hellos apart and puts them back together
 * with a change (RFC 8446 4.1.2/4.1.3, RFC 5246 7.4.1.2/7.4.1.3).
 */
final class Wire {
    private Wire() {}

    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;

    /** One record as sent. */
    record Record(int type, int version, byte[] body) {
        byte[] encode() {
            return record(type, version, body);
        }
    }

    static byte[] record(int type, byte[] body) {
        return record(type, 0x0303, body);
    }

    static byte[] record(int type, int version, byte[] body) {
        byte[] out = new byte[5 + body.length];
        out[0] = (byte) type;
        out[1] = (byte) (version >> 8);
        out[2] = (byte) version;
        out[3] = (byte) (body.length >> 8);
        out[4] = (byte) body.length;
        System.arraycopy(body, 0, out, 5, body.length);
        return out;
    }

    /** The whole records in {@code bytes} (a trailing partial record is left out). */
    static List<Record> records(byte[] bytes) {
        List<Record> out = new ArrayList<>();
        int i = 0;
        while (i + 5 <= bytes.length) {
            int length = u16(bytes, i + 3);
            if (i + 5 + length > bytes.length) {
                break;
            }
            out.add(new Record(bytes[i] & 0xff, u16(bytes, i + 1), Arrays.copyOfRange(bytes, i + 5, i + 5 + length)));
            i += 5 + length;
        }
        return out;
    }

    /** Whether {@code bytes} ends exactly at a record boundary. */
    static boolean wholeRecords(byte[] bytes) {
        int i = 0;
        while (i + 5 <= bytes.length) {
            i += 5 + u16(bytes, i + 3);
        }
        return i == bytes.length;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A handshake message: type, 24-bit length, body. */
    static byte[] handshake(int type, byte[] body) {
        byte[] out = new byte[4 + body.length];
        out[0] = (byte) type;
        out[1] = (byte) (body.length >> 16);
        out[2] = (byte) (body.length >> 8);
        out[3] = (byte) body.length;
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /** One handshake message: its type and body. */
    record Message(int type, byte[] body) {
        byte[] encode() {
            return handshake(type, body);
        }
    }

    /** The handshake messages in the plaintext handshake records of {@code records}. */
    static List<Message> messages(List<Record> records) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Record r : records) {
            if (r.type() == HANDSHAKE) {
                all.writeBytes(r.body());
            }
        }
        byte[] b = all.toByteArray();
        List<Message> out = new ArrayList<>();
        int i = 0;
        while (i + 4 <= b.length) {
            int length = ((b[i + 1] & 0xff) << 16) | u16(b, i + 2);
            out.add(new Message(b[i] & 0xff, Arrays.copyOfRange(b, i + 4, i + 4 + length)));
            i += 4 + length;
        }
        return out;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    /** An extension: type and data. */
    record Extension(int type, byte[] data) {}

    /**
     * A ClientHello or ServerHello body taken apart. {@code suites} is the ClientHello's list
     * (with its length prefix removed) or the ServerHello's two bytes; {@code compression} the
     * list (without length) or the ServerHello's one byte.
     */
    record Hello(boolean client, int version, byte[] random, byte[] sessionId, byte[] suites, byte[] compression,
            List<Extension> extensions) {

        static Hello parse(boolean client, byte[] b) {
            int i = 0;
            int version = u16(b, i);
            i += 2;
            byte[] random = Arrays.copyOfRange(b, i, i + 32);
            i += 32;
            int sid = b[i++] & 0xff;
            byte[] sessionId = Arrays.copyOfRange(b, i, i + sid);
            i += sid;
            byte[] suites;
            byte[] compression;
            if (client) {
                int n = u16(b, i);
                suites = Arrays.copyOfRange(b, i + 2, i + 2 + n);
                i += 2 + n;
                int c = b[i++] & 0xff;
                compression = Arrays.copyOfRange(b, i, i + c);
                i += c;
            } else {
                suites = Arrays.copyOfRange(b, i, i + 2);
                i += 2;
                compression = new byte[] {b[i++]};
            }
            List<Extension> extensions = new ArrayList<>();
            if (i < b.length) {
                int end = i + 2 + u16(b, i);
                i += 2;
                while (i < end) {
                    int type = u16(b, i);
                    int n = u16(b, i + 2);
                    extensions.add(new Extension(type, Arrays.copyOfRange(b, i + 4, i + 4 + n)));
                    i += 4 + n;
                }
            }
            return new Hello(client, version, random, sessionId, suites, compression, extensions);
        }

        byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(u16(version));
            out.writeBytes(random);
            out.write(sessionId.length);
            out.writeBytes(sessionId);
            if (client) {
                out.writeBytes(u16(suites.length));
                out.writeBytes(suites);
                out.write(compression.length);
                out.writeBytes(compression);
            } else {
                out.writeBytes(suites);
                out.writeBytes(compression);
            }
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            for (Extension e : extensions) {
                ext.writeBytes(u16(e.type()));
                ext.writeBytes(u16(e.data().length));
                ext.writeBytes(e.data());
            }
            out.writeBytes(u16(ext.size()));
            out.writeBytes(ext.toByteArray());
            return out.toByteArray();
        }

        /** The message (type 1 or 2) in one record. */
        byte[] toRecord() {
            return record(HANDSHAKE, handshake(client ? 1 : 2, encode()));
        }

        Hello withVersion(int v) {
            return new Hello(client, v, random, sessionId, suites, compression, extensions);
        }

        Hello withSessionId(byte[] s) {
            return new Hello(client, version, random, s, suites, compression, extensions);
        }

        Hello withSuites(byte[] s) {
            return new Hello(client, version, random, sessionId, s, compression, extensions);
        }

        Hello withCompression(byte[] c) {
            return new Hello(client, version, random, sessionId, suites, c, extensions);
        }

        Hello withExtensions(List<Extension> e) {
            return new Hello(client, version, random, sessionId, suites, compression, e);
        }

        Hello without(int type) {
            return withExtensions(extensions.stream().filter(e -> e.type() != type).toList());
        }

        Hello with(int type, byte[] data) {
            List<Extension> e = new ArrayList<>(extensions.stream().filter(x -> x.type() != type).toList());
            e.add(new Extension(type, data));
            return withExtensions(e);
        }

        Hello plus(int type, byte[] data) {
            List<Extension> e = new ArrayList<>(extensions);
            e.add(new Extension(type, data));
            return withExtensions(e);
        }

        byte[] extension(int type) {
            return extensions.stream().filter(e -> e.type() == type).findFirst().map(Extension::data).orElseThrow();
        }
    }
}
