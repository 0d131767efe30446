package mirage.net.internal.wire.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import mirage.net.internal.wire.Parsed;
import org.junit.jupiter.api.Test;

/** parse(emit(m)) == m, and no bytes make the checked view or the parser throw. */
class DhcpPropertyTest {

    @Test
    void parse_of_emit_is_identity() {
        qt().withExamples(2000).forAll(Generators.messages()).checkAssert(m -> {
            byte[] bytes = m.toBytes();
            assertEquals(m.bufferLen(), bytes.length);
            assertEquals(new Parsed.Ok<>(m), DhcpMessage.parse(bytes));
        });
    }

    @Test
    void random_bytes_never_throw() {
        qt().withExamples(3000).forAll(longs().all(), integers().between(0, 700)).checkAssert((seed, length) -> {
            byte[] b = new byte[length];
            SplittableRandom r = new SplittableRandom(seed);
            r.nextBytes(b);
            if (length >= 240 && r.nextBoolean()) {
                b[236] = 0x63;
                b[237] = (byte) 0x82;
                b[238] = 0x53;
                b[239] = 0x63;
                b[2] = (byte) r.nextInt(17);
            }
            Exercise.bytes(b);
        });
    }

    record Mutation(int offset, int value) {}

    /** Random bytes rarely frame options well: mutate the captured messages instead. */
    @Test
    void mutated_captures_never_throw() {
        qt().withExamples(3000)
                .forAll(integers().between(0, Seeds.NAMES.size() - 1),
                        lists().of(integers().between(0, 399).zip(integers().between(0, 255), Mutation::new)).ofSizeBetween(1, 6),
                        integers().between(0, 400))
                .checkAssert((seed, mutations, length) -> {
                    byte[] original = Seeds.get(Seeds.NAMES.get(seed));
                    byte[] b = java.util.Arrays.copyOf(original, Math.min(length, original.length) + (length > 350 ? 20 : 0));
                    for (Mutation m : mutations) {
                        if (m.offset() < b.length) {
                            b[m.offset()] = (byte) m.value();
                        }
                    }
                    Exercise.bytes(b);
                });
    }

    @Test
    void checked_view_of_a_slice_sees_only_the_slice() {
        byte[] ack = Seeds.get("dnsmasq-ack");
        byte[] framed = new byte[ack.length + 20];
        System.arraycopy(ack, 0, framed, 10, ack.length);
        ByteBuffer buf = ByteBuffer.wrap(framed, 10, ack.length);
        DhcpPacket p = DhcpPacket.checked(buf).orThrow();
        assertEquals(ack.length, p.length());
        assertEquals(0xf8a00b51, p.xid());
        assertEquals(10, buf.position());
        assertEquals(List.of(53, 54, 51, 58, 59, 1, 28, 15, 12, 6, 3), Exercise.codes(p));
    }
}
