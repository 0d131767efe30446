package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A validated IPv6 extension header (RFC 8200 section 4), as {@link Ipv6Repr} carries them in
 * order. The Next Header field is not part of the record: {@link #emit} takes it, since it
 * names whatever comes next.
 */
public sealed interface Ipv6ExtensionHeader {

    /** The Next Header value that names this header. */
    int type();

    /** The octets this header takes: a multiple of 8. */
    int bufferLen();

    /** Writes the header into {@code [offset, offset + bufferLen())}, its Next Header field {@code nextHeader}. */
    void emit(ByteBuffer buffer, int offset, int nextHeader);

    /** A header of options (RFC 8200 section 4.2): Hop-by-Hop or Destination Options. */
    sealed interface Options extends Ipv6ExtensionHeader {
        /** The options in order, padding included. */
        List<Ipv6Option> options();

        @Override
        default int bufferLen() {
            return optionsLength(options());
        }

        @Override
        default void emit(ByteBuffer buffer, int offset, int nextHeader) {
            emitOptions(buffer, offset, nextHeader, options());
        }
    }

    /** Hop-by-Hop Options (RFC 8200 section 4.3): options every node on the path examines. */
    record HopByHopOptions(List<Ipv6Option> options) implements Options {
        public HopByHopOptions {
            options = checkOptions(options);
        }

        @Override
        public int type() {
            return Ipv6HeaderChain.HOP_BY_HOP;
        }
    }

    /** Destination Options (RFC 8200 section 4.6): options for the destination. */
    record DestinationOptions(List<Ipv6Option> options) implements Options {
        public DestinationOptions {
            options = checkOptions(options);
        }

        @Override
        public int type() {
            return Ipv6HeaderChain.DESTINATION_OPTIONS;
        }
    }

    /**
     * A Routing header (RFC 8200 section 4.4). A packet this package parses has Segments Left
     * zero ({@link Ipv6HeaderChain} refuses others); the record can hold any value, to write test
     * packets.
     *
     * @param data the type-specific data: 4 octets less than a multiple of 8, at most 2044
     */
    record Routing(int routingType, int segmentsLeft, Octets data) implements Ipv6ExtensionHeader {
        /** Routing Type 0, deprecated by RFC 5095 section 3. */
        public static final int TYPE_0 = 0;

        public Routing {
            Objects.requireNonNull(data, "data");
            if (routingType < 0 || routingType > 0xff || segmentsLeft < 0 || segmentsLeft > 0xff) {
                throw new IllegalArgumentException("routing type and segments left are octets: " + routingType + ", " + segmentsLeft);
            }
            if ((data.length() + 4) % 8 != 0 || data.length() + 4 > 256 * 8) {
                throw new IllegalArgumentException("routing data must be 8n+4 octets, at most 2044: " + data.length());
            }
        }

        @Override
        public int type() {
            return Ipv6HeaderChain.ROUTING;
        }

        @Override
        public int bufferLen() {
            return 4 + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset, int nextHeader) {
            int len = bufferLen();
            Objects.checkFromIndexSize(offset, len, buffer.limit());
            put8(buffer, offset, nextHeader);
            put8(buffer, offset + 1, len / 8 - 1);
            put8(buffer, offset + 2, routingType);
            put8(buffer, offset + 3, segmentsLeft);
            data.copyTo(buffer, offset + 4);
        }
    }

    /**
     * A Fragment header (RFC 8200 section 4.5). Its reserved fields are written as zero and
     * ignored when read.
     *
     * @param offset the fragment's offset in octets: a multiple of 8, 0 to 65528
     */
    record Fragment(int offset, boolean moreFragments, int identification) implements Ipv6ExtensionHeader {
        public Fragment {
            if (offset < 0 || offset > 0xfff8 || offset % 8 != 0) {
                throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0..65528: " + offset);
            }
        }

        @Override
        public int type() {
            return Ipv6HeaderChain.FRAGMENT;
        }

        @Override
        public int bufferLen() {
            return Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH;
        }

        @Override
        public void emit(ByteBuffer buffer, int at, int nextHeader) {
            Objects.checkFromIndexSize(at, Ipv6HeaderChain.FRAGMENT_HEADER_LENGTH, buffer.limit());
            put8(buffer, at, nextHeader);
            put8(buffer, at + 1, 0);
            put16(buffer, at + 2, offset | (moreFragments ? Ipv6HeaderChain.MORE_FRAGMENTS : 0));
            put32(buffer, at + 4, identification);
        }
    }

    private static List<Ipv6Option> checkOptions(List<Ipv6Option> options) {
        List<Ipv6Option> copy = List.copyOf(options);
        int len = optionsLength(copy);
        if (len % 8 != 0 || len > 256 * 8) {
            throw new IllegalArgumentException("options must fill the header to a multiple of 8 octets, at most 2048"
                    + " (Ipv6Option.padded adds the padding): " + len);
        }
        return copy;
    }

    private static int optionsLength(List<Ipv6Option> options) {
        int n = 2;
        for (Ipv6Option o : options) {
            n += o.bufferLen();
        }
        return n;
    }

    private static void emitOptions(ByteBuffer buffer, int offset, int nextHeader, List<Ipv6Option> options) {
        int len = optionsLength(options);
        Objects.checkFromIndexSize(offset, len, buffer.limit());
        put8(buffer, offset, nextHeader);
        put8(buffer, offset + 1, len / 8 - 1);
        int i = offset + 2;
        for (Ipv6Option o : options) {
            put8(buffer, i, o.type());
            if (o.type() != Ipv6Option.PAD1) {
                put8(buffer, i + 1, o.data().length());
                o.data().copyTo(buffer, i + 2);
            }
            i += o.bufferLen();
        }
    }
}
