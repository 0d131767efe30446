package mirage.net.internal.engine;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;

/** Builds datagrams byte by byte, independently of the engines. */
public final class Packets {
    private Packets() {}

    public static byte[] ipv4(Ipv4Address src, Ipv4Address dst, int protocol, int id, int flagsOffset, int ttl,
            byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put(0, (byte) 0x45);
        b.putShort(2, (short) (20 + payload.length));
        b.putShort(4, (short) id);
        b.putShort(6, (short) flagsOffset);
        b.put(8, (byte) ttl);
        b.put(9, (byte) protocol);
        b.putInt(12, src.bits());
        b.putInt(16, dst.bits());
        b.putShort(10, (short) InternetChecksum.of(b, 0, 20));
        b.put(20, payload);
        return b.array();
    }

    /** {@code datagram} (a 20-byte header, from {@link #ipv4}) with {@code options} (a multiple of 4 bytes) inserted after its header; lengths and checksum redone. */
    public static byte[] withOptions(byte[] datagram, byte[] options) {
        ByteBuffer b = ByteBuffer.allocate(datagram.length + options.length);
        b.put(0, datagram, 0, 20).put(20, options).put(20 + options.length, datagram, 20, datagram.length - 20);
        b.put(0, (byte) (0x40 | (20 + options.length) / 4));
        b.putShort(2, (short) b.capacity());
        b.putShort(10, (short) 0);
        b.putShort(10, (short) InternetChecksum.of(b, 0, 20 + options.length));
        return b.array();
    }

    public static byte[] udp(Ipv4Address src, Ipv4Address dst, int sourcePort, int destinationPort, byte[] data,
            boolean checksum) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort(0, (short) sourcePort);
        b.putShort(2, (short) destinationPort);
        b.putShort(4, (short) (8 + data.length));
        b.put(8, data);
        if (checksum) {
            long sum = InternetChecksum.pseudoHeader(src.bits(), dst.bits(), Ipv4Packet.PROTOCOL_UDP, 8 + data.length);
            int c = InternetChecksum.finish(InternetChecksum.add(sum, b, 0, 8 + data.length));
            b.putShort(6, (short) (c == 0 ? 0xffff : c));
        }
        return b.array();
    }

    public static byte[] icmpEcho(int type, int identifier, int sequence, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put(0, (byte) type);
        b.putShort(4, (short) identifier);
        b.putShort(6, (short) sequence);
        b.put(8, data);
        b.putShort(2, (short) InternetChecksum.of(b, 0, 8 + data.length));
        return b.array();
    }

    /** The checked view of a datagram's bytes. */
    public static Ipv4Packet view(byte[] datagram) {
        Ipv4Packet p = new Ipv4Packet();
        if (!p.check(ByteBuffer.wrap(datagram), 0, datagram.length)) {
            throw new AssertionError("not an IPv4 datagram: " + p.error());
        }
        return p;
    }

    public static byte[] payload(byte[] datagram) {
        Ipv4Packet p = view(datagram);
        byte[] out = new byte[p.payloadLength()];
        p.buffer().get(p.payloadOffset(), out);
        return out;
    }

    /** Splits {@code payload} into fragments carrying {@code per} bytes (a multiple of 8) each. */
    public static java.util.List<byte[]> fragments(Ipv4Address src, Ipv4Address dst, int protocol, int id,
            byte[] payload, int per) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (int off = 0; off < payload.length; off += per) {
            int n = Math.min(per, payload.length - off);
            boolean more = off + n < payload.length;
            out.add(ipv4(src, dst, protocol, id, (more ? 0x2000 : 0) | off / 8, 64,
                    java.util.Arrays.copyOfRange(payload, off, off + n)));
        }
        return out;
    }

    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
