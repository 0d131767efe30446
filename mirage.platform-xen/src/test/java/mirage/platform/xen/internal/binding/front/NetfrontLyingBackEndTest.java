package mirage.platform.xen.internal.binding.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.net.NetException;
import mirage.platform.xen.internal.XenSim;
import mirage.platform.xen.internal.engine.BackRing;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.SringLayout;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * netfront against a back end that lies: written by hand in the control domain, it answers the
 * front end's rings with sizes, offsets, slot ids and indices no honest netback would. Every lie
 * is counted or fails the device with a typed error; nothing the front end delivers is
 * corrupted, and the receive ring keeps all its pages posted.
 */
class NetfrontLyingBackEndTest {
    static final String GUEST_MAC = "00:16:3e:00:00:02";
    static final int PAGE = Layouts.PAGE_SIZE;
    static final int RX = mirage.platform.xen.internal.wire.Netif.RX_ENTRY;
    static final int TX = mirage.platform.xen.internal.wire.Netif.TX_ENTRY;
    static final int MORE = mirage.platform.xen.internal.wire.Netif.NETRXF_MORE_DATA;

    /** The control domain's side of one vif, with no netback: the test is the back end. */
    static final class Liar {
        final XenSim x;
        final XenSim.Guest g;
        final String front;
        final String back;
        BackRing rx;
        BackRing tx;
        int port;
        final Arena arena = Arena.ofConfined();

        Liar(XenSim x, XenSim.Guest g) throws Exception {
            this.x = x;
            this.g = g;
            front = "/local/domain/" + g.domid() + "/device/vif/0";
            back = "/local/domain/0/backend/vif/" + g.domid() + "/0";
        }

        /** Offers InitWait with rx-copy; once the front end published, maps its rings and connects. */
        void offerAndConnect() throws Exception {
            x.xs0.write(back + "/feature-rx-copy", "1");
            x.xs0.write(back + "/feature-sg", "1");
            x.xs0.write(back + "/state", "2");
            while (!"4".equals(x.xs0.readOrNull(front + "/state"))) {
                x.sim.sleep().sleep(Duration.ofMillis(1));
            }
            int txRef = Integer.parseInt(x.xs0.readString(front + "/tx-ring-ref"));
            int rxRef = Integer.parseInt(x.xs0.readString(front + "/rx-ring-ref"));
            int evtchn = Integer.parseInt(x.xs0.readString(front + "/event-channel"));
            tx = BackRing.attach(x.dom0.mapGrant(g.domid(), txRef, true), TX);
            rx = BackRing.attach(x.dom0.mapGrant(g.domid(), rxRef, true), RX);
            port = x.dom0.bindInterdomain(g.domid(), evtchn);
            x.xs0.write(back + "/state", "4");
        }

        /**
         * Takes the next receive request and answers it with {@code status} at {@code offset},
         * the request's id shifted by {@code idShift}; copies {@code data} (if any) into the
         * posted page first.
         */
        void answer(byte[] data, int offset, int flags, int status, int idShift) throws Exception {
            assertTrue(rx.unconsumedRequests() > 0, "the front end keeps receive pages posted");
            long at = rx.takeRequest();
            MemorySegment ring = rx.memory();
            int id = Layouts.u16(ring, at + mirage.platform.xen.internal.wire.Netif.RX_REQ_ID);
            int gref = Layouts.u32(ring, at + mirage.platform.xen.internal.wire.Netif.RX_REQ_GREF);
            if (data != null) {
                MemorySegment src = arena.allocate(data.length);
                src.copyFrom(MemorySegment.ofArray(data));
                x.dom0.copyToGrant(src, 0, g.domid(), gref, offset, data.length);
            }
            mirage.platform.xen.internal.wire.Netif.rxResponse(ring, rx.nextResponse(), (id + idShift) & 0xffff, offset,
                    flags, status);
        }

        /** Sends a frame as an honest back end would, split over pages. */
        void honest(byte[] frame) throws Exception {
            for (int s = 0; s * PAGE < frame.length; s++) {
                int chunk = Math.min(PAGE, frame.length - s * PAGE);
                byte[] part = java.util.Arrays.copyOfRange(frame, s * PAGE, s * PAGE + chunk);
                answer(part, 0, (s + 1) * PAGE < frame.length ? MORE : 0, chunk, 0);
            }
        }

        /** Publishes what was answered, notifies, lets the front end run. */
        void push() throws Exception {
            rx.pushResponses();
            tx.pushResponses();
            x.dom0.notify(port);
            x.sim.sleep().sleep(Duration.ofMillis(1));
        }
    }

    static byte[] frame(int length, int seed) {
        return NetfrontNetbackTest.frame(length, seed);
    }

    /** Opens the front end against {@code liar}; returns it with a list of what it delivers. */
    static Netfront open(XenSim x, XenSim.Guest g, Liar liar, List<byte[]> delivered) throws Exception {
        Netfront[] nf = new Netfront[1];
        Simulation.Task opener = x.sim.spawn("open", () -> nf[0] = Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(10)));
        x.run(Duration.ofSeconds(30), () -> {
            liar.offerAndConnect();
            while (!opener.done()) {
                x.sim.sleep().sleep(Duration.ofMillis(1));
            }
        });
        assertTrue(opener.failure().isEmpty(), () -> opener.failure().get().toString());
        nf[0].listen(b -> {
            byte[] c = new byte[b.remaining()];
            b.get(c);
            delivered.add(c);
        });
        return nf[0];
    }

    @Test
    void receiveResponsesThatLieAboutSizesOffsetsAndSlots_areCountedAsErrors_andHonestFramesStillArriveIntact()
            throws Exception {
        try (XenSim x = new XenSim(11)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC, "test", 1500);
            Liar liar = new Liar(x, g);
            List<byte[]> delivered = new ArrayList<>();
            Netfront f = open(x, g, liar, delivered);
            int posted = liar.rx.unconsumedRequests();
            assertEquals(Netfront.RX_SLOTS, posted, "every receive page posted");

            x.run(Duration.ofSeconds(10), () -> {
                byte[] small = frame(200, 1);
                // 1. a size that runs past the end of its page
                liar.answer(small, 100, 0, PAGE - 99, 0);
                // 2. an offset beyond the page
                liar.answer(null, PAGE + 10, 0, 60, 0);
                // 3. the answer in another request's slot
                liar.answer(small, 0, 0, small.length, 1);
                // 4. an error status
                liar.answer(null, 0, 0, mirage.platform.xen.internal.wire.Netif.RSP_ERROR, 0);
                // 5. shorter than an Ethernet header
                liar.answer(small, 0, 0, 13, 0);
                liar.push();
            });
            assertEquals(5, f.stats().rxErrors(), "each lie counted once");
            assertEquals(0, f.stats().rxFrames());
            assertTrue(delivered.isEmpty(), "nothing delivered");

            x.run(Duration.ofSeconds(10), () -> {
                // 6. a packet whose pages add up to more than 64 KiB
                byte[] page = frame(PAGE, 2);
                for (int i = 0; i < 17; i++) {
                    liar.answer(page, 0, i < 16 ? MORE : 0, PAGE, 0);
                }
                // 7. a packet of three pages whose middle one lies about its size
                liar.answer(page, 0, MORE, PAGE, 0);
                liar.answer(null, 200, MORE, PAGE, 0);
                liar.answer(page, 0, 0, 500, 0);
                // 8. a dropped packet, said honestly
                liar.answer(null, 0, 0, mirage.platform.xen.internal.wire.Netif.RSP_DROPPED, 0);
                liar.push();
            });
            assertEquals(7, f.stats().rxErrors(), "one error per lying packet, not per slot");
            assertEquals(1, f.stats().rxDropped());
            assertTrue(delivered.isEmpty());

            byte[] one = frame(1514, 3);
            byte[] three = frame(2 * PAGE + 300, 4);
            x.run(Duration.ofSeconds(10), () -> {
                liar.honest(one);
                liar.honest(three);
                liar.push();
            });
            assertEquals(2, delivered.size(), "honest frames after the lies are delivered");
            assertArrayEquals(one, delivered.get(0));
            assertArrayEquals(three, delivered.get(1));
            assertEquals(7, f.stats().rxErrors());
            assertEquals(Netfront.RX_SLOTS, liar.rx.unconsumedRequests(), "every page reposted after each answer");
            assertEquals(null, f.failure());
            assertTrue(f.connected());
        }
    }

    @Test
    void transmitAnswersNamingSlotsNotInFlight_areCountedAsErrors_neverFreeASlotTwice() throws Exception {
        try (XenSim x = new XenSim(13)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC, "test", 1500);
            Liar liar = new Liar(x, g);
            Netfront f = open(x, g, liar, new ArrayList<>());
            x.run(Duration.ofSeconds(10), () -> {
                f.send(ByteBuffer.wrap(frame(1000, 1)));
                f.send(ByteBuffer.wrap(frame(1000, 2)));
                x.sim.sleep().sleep(Duration.ofMillis(1));
                MemorySegment ring = liar.tx.memory();
                long a = liar.tx.takeRequest();
                long b = liar.tx.takeRequest();
                int idA = Layouts.u16(ring, a + mirage.platform.xen.internal.wire.Netif.TX_REQ_ID);
                int idB = Layouts.u16(ring, b + mirage.platform.xen.internal.wire.Netif.TX_REQ_ID);
                // the first answer frees slot A; the second names A again (a duplicate) instead of B
                mirage.platform.xen.internal.wire.Netif.txResponse(ring, liar.tx.nextResponse(), idA, 0);
                mirage.platform.xen.internal.wire.Netif.txResponse(ring, liar.tx.nextResponse(), idA, 0);
                liar.push();
                f.send(ByteBuffer.wrap(frame(1000, 3))); // reclaims the answers
                x.sim.sleep().sleep(Duration.ofMillis(1));
                assertEquals(1, f.stats().txErrors(), "the duplicate answer is an error");
                // an id beyond the ring
                long c = liar.tx.takeRequest();
                int idC = Layouts.u16(ring, c + mirage.platform.xen.internal.wire.Netif.TX_REQ_ID);
                assertTrue(idC != idB, "slot B is still in flight, so it is not reused");
                mirage.platform.xen.internal.wire.Netif.txResponse(ring, liar.tx.nextResponse(), 0xfff0, 0);
                liar.push();
                f.send(ByteBuffer.wrap(frame(1000, 4)));
                x.sim.sleep().sleep(Duration.ofMillis(1));
            });
            assertEquals(2, f.stats().txErrors(), "an id beyond the ring is an error too");
            assertEquals(null, f.failure(), "lies about single slots do not fail the device");
        }
    }

    @Test
    void aProducerIndexBeyondThePostedRequests_failsTheDeviceForGood_typedErrorOnSend() throws Exception {
        try (XenSim x = new XenSim(14)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC, "test", 1500);
            Liar liar = new Liar(x, g);
            List<byte[]> delivered = new ArrayList<>();
            Netfront f = open(x, g, liar, delivered);
            x.run(Duration.ofSeconds(10), () -> {
                // claims 1,000 responses for 256 requests
                liar.rx.memory().set(ValueLayout.JAVA_INT_UNALIGNED, SringLayout.RSP_PROD, 1000);
                x.dom0.notify(liar.port);
                x.sim.sleep().sleep(Duration.ofMillis(5));
            });
            assertNotNull(f.failure());
            assertTrue(f.failure().contains("producer beyond"), f.failure());
            assertTrue(delivered.isEmpty(), "nothing read from slots the back end never filled");
            NetException e = assertThrows(NetException.class, () -> f.send(ByteBuffer.wrap(frame(100, 1))));
            assertEquals(NetException.Reason.DISCONNECTED, e.reason());
            x.runFor(Duration.ofMillis(10));
            assertEquals("6", x.xs0.readString(liar.front + "/state"), "the front end closed");
        }
    }

    @Test
    void lyingSizesInXenstore_refuseTheDeviceNamingTheNode() throws Exception {
        String[][] cases = {
            {"mtu", "70000", "MTU '70000'"},
            {"mtu", "65518", "MTU '65518'"},
            {"mtu", "-1", "MTU '-1'"},
            {"mtu", "1500x", "MTU '1500x'"},
            {"mac", "01:00:5e:00:00:01", "multicast"},
            {"mac", "00:16:3e:00:00", "not a MAC address"},
        };
        for (String[] c : cases) {
            try (XenSim x = new XenSim(15)) {
                XenSim.Guest g = x.guest("guest");
                x.toolstack.addVif(g.domid(), 0, GUEST_MAC, "test", 1500);
                x.run(Duration.ofSeconds(5), () -> x.xs0.write("/local/domain/" + g.domid() + "/device/vif/0/" + c[0], c[1]));
                XenDeviceException[] thrown = new XenDeviceException[1];
                x.run(Duration.ofSeconds(30), () -> thrown[0] = assertThrows(XenDeviceException.class,
                        () -> Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(1))));
                assertNotNull(thrown[0], c[0] + "=" + c[1]);
                assertTrue(thrown[0].getMessage().contains(c[2]), c[0] + "=" + c[1] + ": " + thrown[0].getMessage());
            }
        }
    }

    @Test
    void aBackEndWithoutRxCopy_failsTheOpenNamingTheFeature() throws Exception {
        try (XenSim x = new XenSim(16)) {
            XenSim.Guest g = x.guest("guest");
            x.toolstack.addVif(g.domid(), 0, GUEST_MAC, "test", 1500);
            String back = "/local/domain/0/backend/vif/" + g.domid() + "/0";
            XenDeviceException[] thrown = new XenDeviceException[1];
            Simulation.Task opener = x.sim.spawn("open", () -> thrown[0] = assertThrows(XenDeviceException.class,
                    () -> Netfront.open(g.ctx(), "service", 0, 0, Duration.ofSeconds(10))));
            x.run(Duration.ofSeconds(30), () -> {
                x.xs0.write(back + "/feature-rx-copy", "0");
                x.xs0.write(back + "/state", "2");
                while (!opener.done()) {
                    x.sim.sleep().sleep(Duration.ofMillis(1));
                }
            });
            assertTrue(opener.failure().isEmpty(), () -> opener.failure().get().toString());
            assertTrue(thrown[0].getMessage().contains("feature-rx-copy"), thrown[0].getMessage());
        }
    }
}
