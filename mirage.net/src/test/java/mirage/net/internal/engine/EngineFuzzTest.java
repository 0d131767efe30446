package mirage.net.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * Arbitrary bytes into the IPv4 receive path of a host with ICMP and UDP (a listener on port
 * 7): nothing may throw, every datagram is counted, and reassembly stays in its byte limit.
 */
class EngineFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void ipv4Receive(FuzzedDataProvider data) {
        Host host = new Host("10.0.0.3/24", 1500);
        host.udp.listen(7, (now, s, sp, d, p) -> host.udp.send(now, 7, s, sp, p));
        long now = 0;
        int count = 0;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 1 << 30);
            boolean fix = data.consumeBoolean();
            byte[] packet = data.consumeBytes(data.consumeInt(0, 2000));
            if (fix) {
                fixUp(packet);
            }
            host.receive(now, ByteBuffer.wrap(packet), 0, packet.length);
            host.ip.poll(now);
            host.icmp.poll(now);
            count++;
        }
        assertEquals(count, host.ip.stats().packetsReceived());
        assertEquals(true, host.ip.reassemblyBytes() <= 256 * 1024);
    }

    /**
     * Makes a packet get past the cheap checks so the fuzzer reaches reassembly, ICMP and UDP:
     * addressed to the host, with the header checksum and (when the lengths allow) the ICMP or
     * UDP checksum right.
     */
    static void fixUp(byte[] packet) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (packet.length < 20 || (packet[0] & 0xf0) != 0x40 || (packet[0] & 0xf) * 4 > packet.length) {
            return;
        }
        int hl = (packet[0] & 0xf) * 4;
        if (hl < 20) {
            return;
        }
        b.putInt(Ipv4Packet.DESTINATION, Ipv4Address.parse("10.0.0.3").bits());
        b.putShort(Ipv4Packet.CHECKSUM, (short) 0);
        b.putShort(Ipv4Packet.CHECKSUM, (short) InternetChecksum.of(b, 0, hl));
        int total = b.getShort(Ipv4Packet.TOTAL_LENGTH) & 0xffff;
        if (total < hl + 8 || total > packet.length || (b.getShort(Ipv4Packet.FLAGS_FRAGMENT) & 0x3fff) != 0) {
            return;
        }
        int n = total - hl;
        if (packet[Ipv4Packet.PROTOCOL] == 1) {
            b.putShort(hl + 2, (short) 0);
            b.putShort(hl + 2, (short) InternetChecksum.of(b, hl, n));
        } else if (packet[Ipv4Packet.PROTOCOL] == 17 && (b.getShort(hl + 4) & 0xffff) == n) {
            b.putShort(hl + 6, (short) 0);
            long sum = InternetChecksum.pseudoHeader(b.getInt(Ipv4Packet.SOURCE), b.getInt(Ipv4Packet.DESTINATION), 17, n);
            int c = InternetChecksum.finish(InternetChecksum.add(sum, b, hl, n));
            b.putShort(hl + 6, (short) (c == 0 ? 0xffff : c));
        }
    }
}
