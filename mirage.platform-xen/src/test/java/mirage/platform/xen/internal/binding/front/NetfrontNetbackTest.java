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

    @Test
    void everyXenbusState_reconfiguredResumes_aBackEndClosedMidRunIsReplaced_andFramesFlowAgain() throws Exception {
        try (XenSim x = new XenSim(2)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC.toString(), "test", 1500);
            Netback[] nb = {Netback.start(x.back, g.domid(), 0, VIF_MAC, 1500)};
            List<String> frontStates = new ArrayList<>();
            List<String> backStates = new ArrayList<>();
            String front = "/local/domain/1/device/vif/0/state";
            String back = "/local/domain/0/backend/vif/1/0/state";
            x.xs0.watch(front, "f", (p, t) -> frontStates.add(read(x, p)));
            x.xs0.watch(back, "b", (p, t) -> backStates.add(read(x, p)));
            List<byte[]> atBack = new ArrayList<>();
            nb[0].listen(b -> atBack.add(copy(b)));
            Netfront[] nf = new Netfront[1];
            x.run(Duration.ofSeconds(30), () -> nf[0] = Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(10)));
            Netfront f = nf[0];
            List<byte[]> atFront = new ArrayList<>();
            f.listen(b -> atFront.add(copy(b)));
            x.run(Duration.ofSeconds(10), () -> f.send(ByteBuffer.wrap(frame(100, 1))));
            x.runFor(Duration.ofMillis(1));
            assertEquals(1, atBack.size());

            // Reconfiguring and back: the front end resumes
            nb[0].reconfigure(() -> { });
            x.runFor(Duration.ofMillis(1));
            x.run(Duration.ofSeconds(10), () -> f.send(ByteBuffer.wrap(frame(100, 2))));
            x.runFor(Duration.ofMillis(1));
            assertEquals(2, atBack.size(), "frames flow after Reconfigured");

            // the back end closes mid-run: the front end goes Closing, Closed; frames are dropped, counted
            nb[0].shutdown();
            x.runFor(Duration.ofMillis(5));
            assertTrue(!f.connected());
            long droppedBefore = f.stats().txDropped();
            x.run(Duration.ofSeconds(10), () -> f.send(ByteBuffer.wrap(frame(100, 3))));
            assertEquals(droppedBefore + 1, f.stats().txDropped(), "a frame sent while the back end is gone is counted");
            // each watch event reads the state when delivered, after the front end's batch of
            // writes: Closing and Closed are two events that both read Closed
            assertEquals(List.of("1", "4", "6", "6"), frontStates, "the watch's first, Connected, Closing, Closed");
            nb[0].close();

            // a new back end: the front end starts over and reconnects
            List<byte[]> atNewBack = new ArrayList<>();
            nb[0] = Netback.start(x.back, g.domid(), 0, VIF_MAC, 1500);
            nb[0].listen(b -> atNewBack.add(copy(b)));
            x.run(Duration.ofSeconds(10), () -> {
                while (!f.connected() || nb[0].state() != XenbusState.CONNECTED) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
                f.send(ByteBuffer.wrap(frame(200, 4)));
                nb[0].send(ByteBuffer.wrap(frame(300, 5)));
            });
            x.runFor(Duration.ofMillis(1));
            assertEquals(1, atNewBack.size(), "guest to the new vif");
            assertArrayEquals(frame(200, 4), atNewBack.get(0));
            assertEquals(1, atFront.size(), "the new vif to the guest");
            assertArrayEquals(frame(300, 5), atFront.get(0));
            assertEquals(List.of("1", "4", "6", "6", "1", "4"), frontStates,
                    "front end: (first), Connected, Closing, Closed, Initialising, Connected (at once, as Linux's netfront)");
            assertEquals(List.of("2", "4", "7", "8", "4", "5", "6", "2", "4"), backStates,
                    "back end: InitWait, Connected, Reconfiguring, Reconfigured, Connected, Closing, Closed; the new one InitWait, Connected");
            assertEquals(0, f.stats().rxErrors() + f.stats().txErrors());
            assertTrue(f.failure() == null, f.failure());
        }
    }

    @Test
    void theLargestMtu_aTaggedFrameOf64KiB_crossesWhole_itsSizeFitsTheRequestsField() throws Exception {
        try (XenSim x = new XenSim(3)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC.toString(), "test", Netfront.MAX_MTU);
            Netback nb = Netback.start(x.back, g.domid(), 0, VIF_MAC, Netfront.MAX_MTU);
            List<byte[]> atBack = new ArrayList<>();
            nb.listen(b -> atBack.add(copy(b)));
            Netfront[] nf = new Netfront[1];
            x.run(Duration.ofSeconds(30), () -> nf[0] = Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(10)));
            byte[] tagged = frame(0xffff, 9);
            tagged[12] = (byte) 0x81;
            tagged[13] = 0x00;
            x.run(Duration.ofSeconds(10), () -> nf[0].send(ByteBuffer.wrap(tagged)));
            x.runFor(Duration.ofMillis(10));
            assertEquals(1, atBack.size(), "log " + x.log);
            assertArrayEquals(tagged, atBack.get(0));
        }
    }

    private static String read(XenSim x, String path) {
        try {
            return x.xs0.readString(path);
        } catch (Exception e) {
            return "?";
        }
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] c = new byte[b.remaining()];
        b.get(c);
        return c;
    }
}
