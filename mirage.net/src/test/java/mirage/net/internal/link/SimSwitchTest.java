package mirage.net.internal.link;

import mirage.net.SimulatedNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

class SimSwitchTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress C = MacAddress.parse("02:00:00:00:00:0c");

    private final Simulation sim = Simulation.create(7);

    /** A frame from {@code source} to {@code destination} whose payload starts with {@code tag}. */
    private static ByteBuffer frame(MacAddress destination, MacAddress source, int tag, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        destination.write(b, 0);
        source.write(b, 6);
        b.putShort(12, (short) 0x88b5); // IEEE 802 local experimental EtherType
        b.put(14, (byte) tag);
        return b;
    }

    private static List<String> record(SimSwitch.Port port, Simulation sim) {
        List<String> seen = new ArrayList<>();
        port.listen(f -> seen.add(sim.now() + ":" + f.get(f.position() + 14)));
        return seen;
    }

    @Test
    void learning_unknownThenKnownUnicast_floodsThenForwards() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        SimSwitch.Port c = sw.addPort("c", C, 1500);
        List<String> atA = record(a, sim);
        List<String> atB = record(b, sim);
        List<String> atC = record(c, sim);
        a.send(frame(B, A, 1, 60)); // B unknown: flooded
        sim.run();
        b.send(frame(A, B, 2, 60)); // A learned: to a only
        sim.run();
        assertEquals(List.of("0:2"), atA);
        assertEquals(List.of("0:1"), atB);
        assertEquals(List.of("0:1"), atC);
        assertEquals(2, a.stats().rxFrames() + b.stats().rxFrames());
    }

    @Test
    void flood_unicast_everyOtherPortSeesIt() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE, SimulatedNetwork.Forwarding.FLOOD);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        SimSwitch.Port c = sw.addPort("c", C, 1500);
        List<String> atC = record(c, sim);
        record(b, sim);
        b.send(frame(A, B, 1, 60));
        a.send(frame(B, A, 2, 60));
        sim.run();
        assertEquals(List.of("0:1", "0:2"), atC);
    }

    @Test
    void delayed_frame_arrivesOnVirtualTime() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), new SimulatedNetwork.Impairments(0, 5_000_000, 0, 0, 0, 0, 0));
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        List<String> atB = record(b, sim);
        a.send(frame(B, A, 3, 60));
        assertTrue(atB.isEmpty(), "nothing is delivered during send");
        sim.run();
        assertEquals(List.of("5000000:3"), atB);
    }

    @Test
    void lossy_everyFrameLost_noneArrive() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), new SimulatedNetwork.Impairments(1, 0, 0, 0, 0, 0, 0));
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        List<String> atB = record(sw.addPort("b", B, 1500), sim);
        for (int i = 0; i < 10; i++) {
            a.send(frame(B, A, i, 60));
        }
        sim.run();
        assertTrue(atB.isEmpty());
        assertEquals(10, sw.stats().lost());
    }

    @Test
    void duplicating_everyFrame_arrivesTwice() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), new SimulatedNetwork.Impairments(0, 0, 0, 0, 0, 1, 0));
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        List<String> atB = record(sw.addPort("b", B, 1500), sim);
        a.send(frame(B, A, 4, 60));
        sim.run();
        assertEquals(List.of("0:4", "0:4"), atB);
    }

    @Test
    void corrupting_everyFrame_oneBitFlipped() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), new SimulatedNetwork.Impairments(0, 0, 0, 0, 0, 0, 1));
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        ByteBuffer sent = frame(B, A, 5, 60);
        List<ByteBuffer> got = new ArrayList<>();
        b.listen(f -> got.add(ByteBuffer.allocate(f.remaining()).put(f.duplicate()).flip()));
        a.send(sent);
        sim.run();
        int bits = 0;
        for (int i = 0; i < 60; i++) {
            bits += Integer.bitCount((sent.get(i) ^ got.getFirst().get(i)) & 0xff);
        }
        assertEquals(1, bits);
        assertEquals(1, sw.stats().corrupted());
    }

    @Test
    void reordering_laterFrameOvertakes() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(3), new SimulatedNetwork.Impairments(0, 1000, 0, 0.5, 10_000, 0, 0));
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        List<String> atB = record(sw.addPort("b", B, 1500), sim);
        for (int i = 0; i < 20; i++) {
            a.send(frame(B, A, i, 60));
        }
        sim.run();
        assertEquals(20, atB.size());
        List<Integer> order = atB.stream().map(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1))).toList();
        assertNotEquals(order.stream().sorted().toList(), order, "some frames overtook others");
        assertTrue(sw.stats().reordered() > 0);
    }

    @Test
    void smallMtuPort_longFrame_droppedThereOnly() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 576);
        List<String> atB = record(b, sim);
        List<String> atC = record(sw.addPort("c", C, 1500), sim);
        a.send(frame(MacAddress.BROADCAST, A, 6, 1000));
        sim.run();
        assertTrue(atB.isEmpty());
        assertEquals(1, b.stats().rxErrors());
        assertEquals(List.of("0:6"), atC);
        assertThrows(NetException.class, () -> b.send(frame(A, B, 7, 600)));
    }

    @Test
    void closedPort_send_throwsDisconnected() {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        a.close();
        a.close();
        NetException e = assertThrows(NetException.class, () -> a.send(frame(B, A, 1, 60)));
        assertEquals(NetException.Reason.DISCONNECTED, e.reason());
    }

    @Test
    void noReceiver_frame_countedDropped() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        a.send(frame(B, A, 1, 60));
        sim.run();
        assertEquals(1, b.stats().rxDropped());
    }

    @Test
    void impairments_outOfRange_refused() {
        assertThrows(IllegalArgumentException.class, () -> new SimulatedNetwork.Impairments(1.5, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedNetwork.Impairments(0, -1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedNetwork.Impairments(Double.NaN, 0, 0, 0, 0, 0, 0));
    }
}
