package mirage.net.internal.wire;

import java.util.List;
import java.util.Objects;

/**
 * One TCP option of a {@link TcpRepr} (RFC 9293 section 3.2). No-Operation and End of Option
 * List are layout, not content: {@link TcpRepr#parse} skips them and {@link TcpRepr#emit} pads
 * with End of Option List, so they have no value here. A kind this package does not decode, or
 * a known kind with a length other than its own, is kept as {@link Unknown} bytes.
 */
public sealed interface TcpOption {

    /** Bytes the option takes: kind, length and value. */
    int length();

    /** Maximum Segment Size (RFC 9293 section 3.7.1), 0-65535. */
    record Mss(int value) implements TcpOption {
        public Mss {
            if (value < 0 || value > 0xffff) {
                throw new IllegalArgumentException("MSS must be 0..65535: " + value);
            }
        }

        @Override
        public int length() {
            return TcpSegment.OPTION_MSS_LENGTH;
        }
    }

    /** Window scale shift count as sent (RFC 7323 section 2), 0-255 (the receiver clamps above 14). */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            if (shift < 0 || shift > 0xff) {
                throw new IllegalArgumentException("window scale must be 0..255: " + shift);
            }
        }

        @Override
        public int length() {
            return TcpSegment.OPTION_WINDOW_SCALE_LENGTH;
        }
    }

    /** SACK-permitted (RFC 2018 section 2). */
    record SackPermitted() implements TcpOption {
        @Override
        public int length() {
            return TcpSegment.OPTION_SACK_PERMITTED_LENGTH;
        }
    }

    /** SACK blocks (RFC 2018 section 3): 1 to 4 pairs of left and right edges. */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > TcpSegment.MAX_SACK_BLOCKS) {
                throw new IllegalArgumentException("a SACK option holds 1 to 4 blocks: " + blocks.size());
            }
        }

        @Override
        public int length() {
            return 2 + 8 * blocks.size();
        }
    }

    /** One SACK block: sequence numbers {@code [left, right)}. */
    record SackBlock(int left, int right) {}

    /** Timestamps (RFC 7323 section 3): TSval and TSecr, unsigned 32-bit values carried in ints. */
    record Timestamps(int tsVal, int tsEcr) implements TcpOption {
        @Override
        public int length() {
            return TcpSegment.OPTION_TIMESTAMPS_LENGTH;
        }
    }

    /**
     * Any other option, as its kind and value bytes. Refuses End and No-Operation (layout), and
     * a known kind with its own length (that is the decoded record), so that parse and emit agree.
     */
    record Unknown(int kind, Octets value) implements TcpOption {
        public Unknown {
            Objects.requireNonNull(value, "value");
            if (kind < 2 || kind > 0xff) {
                throw new IllegalArgumentException("option kind must be 2..255 (0 and 1 are layout): " + kind);
            }
            int len = value.length() + 2;
            boolean decoded = switch (kind) {
                case TcpSegment.OPTION_MSS -> len == TcpSegment.OPTION_MSS_LENGTH;
                case TcpSegment.OPTION_WINDOW_SCALE -> len == TcpSegment.OPTION_WINDOW_SCALE_LENGTH;
                case TcpSegment.OPTION_SACK_PERMITTED -> len == TcpSegment.OPTION_SACK_PERMITTED_LENGTH;
                case TcpSegment.OPTION_SACK -> len > 2 && (len - 2) % 8 == 0;
                case TcpSegment.OPTION_TIMESTAMPS -> len == TcpSegment.OPTION_TIMESTAMPS_LENGTH;
                default -> false;
            };
            if (decoded) {
                throw new IllegalArgumentException("kind " + kind + " with length " + len + " is a known option");
            }
            if (len > TcpSegment.MAX_OPTIONS_LENGTH) {
                throw new IllegalArgumentException("an option is at most 40 bytes: " + len);
            }
        }

        @Override
        public int length() {
            return 2 + value.length();
        }
    }
}
