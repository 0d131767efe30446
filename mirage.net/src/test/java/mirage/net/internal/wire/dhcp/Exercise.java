package mirage.net.internal.wire.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;

/** The property every input must keep: no exception, and what parses re-emits to itself. */
final class Exercise {
    private Exercise() {}

    static void bytes(byte[] b) {
        Parsed<DhcpPacket> checked = DhcpPacket.checked(ByteBuffer.wrap(b));
        if (checked instanceof Parsed.Ok<DhcpPacket>(DhcpPacket p)) {
            touch(p);
        }
        Parsed<DhcpMessage> parsed = DhcpMessage.parse(b);
        if (parsed instanceof Parsed.Ok<DhcpMessage>(DhcpMessage m)) {
            assertEquals(parsed, DhcpMessage.parse(m.toBytes()));
        }
        if (checked instanceof Parsed.Err<DhcpPacket>(WireError e) && parsed instanceof Parsed.Err<DhcpMessage>(WireError f)) {
            assertEquals(e, f, "the parser reports the framing error the view found");
        }
    }

    /** Calls every read accessor of a checked view. */
    static void touch(DhcpPacket p) {
        long sum = p.op() + p.htype() + p.hlen() + p.hops() + p.xid() + p.secs() + p.flags() + p.ciaddr() + p.yiaddr()
                + p.siaddr() + p.giaddr() + p.magicCookie() + p.overload() + p.length();
        for (int i = 0; i < 16; i++) {
            sum += p.chaddr(i);
        }
        for (int i = 0; i < 64; i++) {
            sum += p.sname(i);
        }
        for (int i = 0; i < 128; i++) {
            sum += p.file(i);
        }
        long[] total = {sum};
        assertNull(p.forEachOption((code, message, offset, length) -> {
            for (int i = 0; i < length; i++) {
                total[0] += message.get(offset + i);
            }
        }));
    }

    static List<Integer> codes(DhcpPacket p) {
        List<Integer> codes = new ArrayList<>();
        p.forEachOption((code, message, offset, length) -> codes.add(code));
        return codes;
    }
}
