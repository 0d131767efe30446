package mirage.platform.xen.internal.binding.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.net.MacAddress;
import mirage.platform.xen.internal.XenSim;
import mirage.platform.xen.internal.binding.back.Netback;
import mirage.platform.xen.internal.wire.XenbusState;
import org.junit.jupiter.api.Test;

/** netfront and netback on a simulated host: the handshake, and frames both ways. */
class NetfrontNetbackTest {
    static final MacAddress GUEST_MAC = MacAddress.parse("00:16:3e:00:00:01");
    static final MacAddress VIF_MAC = MacAddress.parse("fe:ff:ff:ff:ff:ff".replace("fe", "02"));

    static byte[] frame(int length, long seed) {
        byte[] f = new byte[length];
        new SplittableRandom(seed).nextBytes(f);
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }

    @Test
    void handshake_thenFramesOfEverySizeBothWays_byteForByte() throws Exception {
        try (XenSim x = new XenSim(1)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC.toString(), "test", 9000);
            Netback nb = Netback.start(x.back, g.domid(), 0, VIF_MAC, 9000);
            List<byte[]> atBack = new ArrayList<>();
            List<byte[]> atFront = new ArrayList<>();
            nb.listen(b -> {
                byte[] c = new byte[b.remaining()];
                b.get(c);
                atBack.add(c);
            });
            Netfront[] nf = new Netfront[1];
            x.run(Duration.ofSeconds(30), () -> nf[0] = Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(10)));
            Netfront front = nf[0];
            front.listen(b -> {
                byte[] c = new byte[b.remaining()];
                b.get(c);
                atFront.add(c);
            });
            assertEquals(XenbusState.CONNECTED, front.frontendState());
            assertEquals(XenbusState.CONNECTED, nb.state());
            assertEquals(GUEST_MAC, front.mac());
            assertEquals(9000, front.mtu());
            int[] sizes = {14, 60, 1514, 4096, 4097, 8192, 9014};
            x.run(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < sizes.length; i++) {
                    front.send(ByteBuffer.wrap(frame(sizes[i], i)));
                    nb.send(ByteBuffer.wrap(frame(sizes[i], 100 + i)));
                }
            });
            x.runFor(Duration.ofMillis(10));
            assertEquals(sizes.length, atBack.size(), "frames at the back end; log " + x.log);
            assertEquals(sizes.length, atFront.size(), "frames at the front end; log " + x.log);
            for (int i = 0; i < sizes.length; i++) {
                assertArrayEquals(frame(sizes[i], i), atBack.get(i), "guest to vif, " + sizes[i] + " bytes");
                assertArrayEquals(frame(sizes[i], 100 + i), atFront.get(i), "vif to guest, " + sizes[i] + " bytes");
            }
            assertEquals(sizes.length, front.stats().txFrames());
            assertEquals(sizes.length, front.stats().rxFrames());
            assertEquals(0, front.stats().rxErrors() + front.stats().txErrors() + front.stats().txDropped());
            assertTrue(x.log.isEmpty(), x.log.toString());
        }
    }
}
