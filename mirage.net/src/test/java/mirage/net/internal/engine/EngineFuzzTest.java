package mirage.net.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

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
            byte[] packet = data.consumeBytes(data.consumeInt(0, 2000));
            host.ip.receive(now, ByteBuffer.wrap(packet), 0, packet.length);
            host.ip.poll(now);
            host.icmp.poll(now);
            count++;
        }
        assertEquals(count, host.ip.stats().packetsReceived());
        assertEquals(true, host.ip.reassemblyBytes() <= 256 * 1024);
    }
}
