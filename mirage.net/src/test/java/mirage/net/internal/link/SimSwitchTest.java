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
import mirage.net.Ipv6Address;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastAddressRecord;
import mirage.net.internal.wire.Icmpv6Repr.RecordType;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6Option;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import mirage.net.internal.wire.Octets;
import java.util.Set;
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

    private static final Ipv6Address GROUP_B = Ipv6Address.parse("ff02::1:ff00:b");
    private static final Ipv6Address GROUP_C = Ipv6Address.parse("ff02::1:ff00:c");
    private static final Ipv6Address ALL_NODES = Ipv6Address.parse("ff02::1");

    /** An IPv6 frame to {@code group}'s Ethernet address whose payload byte 14 is {@code tag}. */
    private static ByteBuffer toGroup(Ipv6Address group, MacAddress source, int tag) {
        return frame(new MacAddress(0x3333_0000_0000L | (group.low() & 0xffff_ffffL)), source, tag, 80);
    }

    /**
     * An MLDv2 Report from {@code source}'s link-local address to ff02::16 with hop limit 1 and
     * a Router Alert option, as RFC 3810 section 5.2 and our Mld engine send it.
     */
    static ByteBuffer mldv2(MacAddress source, MulticastAddressRecord... records) {
        Icmpv6Repr report = new Icmpv6Repr.MulticastListenerReport(List.of(records));
        Ipv6Address from = Ipv6Address.parse("fe80::" + Long.toHexString(source.bits() & 0xffff));
        Ipv6Address to = Icmpv6Repr.ALL_MLDV2_ROUTERS;
        Ipv6Repr ip = new Ipv6Repr(from, to, Ipv6Packet.NEXT_HEADER_ICMPV6, 1, 0, 0, 0,
                List.of(new Ipv6ExtensionHeader.HopByHopOptions(Ipv6Option.padded(List.of(Ipv6Option.routerAlertMld())))), report.bufferLen());
        ByteBuffer f = ByteBuffer.allocate(14 + ip.bufferLen() + report.bufferLen());
        new MacAddress(0x3333_0000_0016L).write(f, 0);
        source.write(f, 6);
        f.putShort(12, (short) 0x86DD);
        ip.emit(f, 14);
        report.emit(f, 14 + ip.bufferLen(), from, to);
        return f;
    }

    /** An MLDv1 Report (131) or Done (132) for {@code group} (RFC 2710), without Router Alert. */
    static ByteBuffer mldv1(MacAddress source, int type, Ipv6Address group) {
        Ipv6Address from = Ipv6Address.parse("fe80::" + Long.toHexString(source.bits() & 0xffff));
        Ipv6Address to = type == 131 ? group : Ipv6Address.parse("ff02::2");
        ByteBuffer f = ByteBuffer.allocate(14 + 40 + 24);
        new MacAddress(0x3333_0000_0000L | (to.low() & 0xffff_ffffL)).write(f, 0);
        source.write(f, 6);
        f.putShort(12, (short) 0x86DD);
        Ipv6Repr.of(from, to, Ipv6Packet.NEXT_HEADER_ICMPV6, 1, 24).emit(f, 14);
        f.put(54, (byte) type);
        f.putLong(62, group.high());
        f.putLong(70, group.low());
        long sum = mirage.net.internal.wire.InternetChecksum.pseudoHeader(from, to, Ipv6Packet.NEXT_HEADER_ICMPV6, 24);
        for (int i = 54; i < 78; i += 2) {
            sum += f.getShort(i) & 0xffff;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        f.putShort(56, (short) ~sum);
        return f;
    }

    private static MulticastAddressRecord record(RecordType type, Ipv6Address group, Ipv6Address... sources) {
        return new MulticastAddressRecord(type, group, List.of(sources), Octets.EMPTY);
    }

    @Test
    void ipv6Multicast_goesOnlyToPortsThatJoinedByMld_allNodesToEveryone_silentPortsGetAll() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        SimSwitch.Port a = sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        SimSwitch.Port c = sw.addPort("c", C, 1500);
        SimSwitch.Port d = sw.addPort("d", MacAddress.parse("02:00:00:00:00:0d"), 1500);
        b.send(mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B)));
        c.send(mldv2(C, record(RecordType.MODE_IS_EXCLUDE, GROUP_C)));
        sim.run();
        assertEquals(Set.of(GROUP_B), b.groups());
        assertEquals(Set.of(GROUP_C), c.groups());
        assertTrue(!d.listenerKnown() && d.groups().isEmpty(), "d sent no MLD");
        assertEquals(1, sw.stats().multicastFiltered(), "c's report to ff02::16 is not for b, which joined only its group");
        List<String> atA = record(a, sim);
        List<String> atB = record(b, sim);
        List<String> atC = record(c, sim);
        List<String> atD = record(d, sim);
        a.send(toGroup(GROUP_B, A, 1)); // b's solicited-node group: b, and d which said nothing
        a.send(toGroup(GROUP_C, A, 2));
        a.send(toGroup(ALL_NODES, A, 3)); // all-nodes: everyone
        a.send(toGroup(Ipv6Address.parse("ff02::1:ff00:e"), A, 4)); // nobody joined: only d
        a.send(frame(MacAddress.parse("01:00:5e:00:00:01"), A, 5, 60)); // IPv4 multicast: flooded
        sim.run();
        assertEquals(Set.of("0:1", "0:3", "0:5"), Set.copyOf(atB)); // deliveries due at one instant come in any order
        assertEquals(Set.of("0:2", "0:3", "0:5"), Set.copyOf(atC));
        assertEquals(Set.of("0:1", "0:2", "0:3", "0:4", "0:5"), Set.copyOf(atD));
        assertEquals(3 + 3 + 5, atB.size() + atC.size() + atD.size(), "once each");
        assertEquals(List.of(), atA, "nothing back to the sender");
        assertEquals(1 + 4, sw.stats().multicastFiltered(), "c for b's group, b for c's, b and c for ff02::1:ff00:e");
    }

    @Test
    void mldSnooping_includeWithNoSourcesLeaves_allowJoins_blockChangesNothing_v1ReportAndDone() throws NetException {
        SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        sw.addPort("a", A, 1500);
        SimSwitch.Port b = sw.addPort("b", B, 1500);
        Ipv6Address source = Ipv6Address.parse("2001:db8::1");
        b.send(mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B),
                record(RecordType.ALLOW_NEW_SOURCES, GROUP_C, source)));
        assertEquals(Set.of(GROUP_B, GROUP_C), b.groups());
        b.send(mldv2(B, record(RecordType.BLOCK_OLD_SOURCES, GROUP_C, source)));
        assertEquals(Set.of(GROUP_B, GROUP_C), b.groups(), "by group only: BLOCK changes nothing");
        b.send(mldv2(B, record(RecordType.CHANGE_TO_INCLUDE_MODE, GROUP_B), record(RecordType.MODE_IS_INCLUDE, GROUP_C)));
        assertEquals(Set.of(), b.groups(), "INCLUDE with no sources leaves at once");
        assertTrue(b.listenerKnown(), "b speaks MLD: it gets no multicast it did not join");
        b.send(mldv1(B, 131, GROUP_C));
        assertEquals(Set.of(GROUP_C), b.groups());
        b.send(mldv1(B, 132, GROUP_C));
        assertEquals(Set.of(), b.groups());
        ByteBuffer corrupt = mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B));
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
        b.send(corrupt);
        assertEquals(Set.of(), b.groups(), "a report whose checksum fails is not snooped");
    }

    @Test
    void ipv6Multicast_impairmentsApply_andAHubFloodsRegardlessOfMld() throws NetException {
        SimSwitch lossy = new SimSwitch(sim.loop(), Rng.seeded(1), new SimulatedNetwork.Impairments(1, 0, 0, 0, 0, 0, 0));
        SimSwitch.Port a = lossy.addPort("a", A, 1500);
        SimSwitch.Port b = lossy.addPort("b", B, 1500);
        b.send(mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B)));
        assertEquals(Set.of(GROUP_B), b.groups(), "snooped as it entered, though its delivery was lost");
        List<String> atB = record(b, sim);
        a.send(toGroup(GROUP_B, A, 1));
        sim.run();
        assertEquals(List.of(), atB);
        assertEquals(2, lossy.stats().lost(), "the report to a and the frame to b");

        SimSwitch doubling = new SimSwitch(sim.loop(), Rng.seeded(2), new SimulatedNetwork.Impairments(0, 5, 0, 0, 0, 1, 0));
        SimSwitch.Port a2 = doubling.addPort("a", A, 1500);
        SimSwitch.Port b2 = doubling.addPort("b", B, 1500);
        b2.send(mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B)));
        List<String> atB2 = record(b2, sim);
        long t = sim.now();
        a2.send(toGroup(GROUP_B, A, 7));
        sim.run();
        assertEquals(List.of((t + 5) + ":7", (t + 5) + ":7"), atB2, "delayed and duplicated");

        SimSwitch hub = new SimSwitch(sim.loop(), Rng.seeded(3), SimulatedNetwork.Impairments.NONE, SimulatedNetwork.Forwarding.FLOOD);
        SimSwitch.Port a3 = hub.addPort("a", A, 1500);
        SimSwitch.Port b3 = hub.addPort("b", B, 1500);
        b3.send(mldv2(B, record(RecordType.CHANGE_TO_EXCLUDE_MODE, GROUP_B)));
        List<String> atB3 = record(b3, sim);
        a3.send(toGroup(GROUP_C, A, 9));
        sim.run();
        assertEquals(1, atB3.size(), "a hub floods every frame");
        assertEquals(0, hub.stats().multicastFiltered());
    }
}
